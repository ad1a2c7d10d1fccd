"""The person in a photo, found by MediaPipe's selfie segmentation (vendored model) through
the Tasks ImageSegmenter: a float mask, 1 on the person, 0 on the background.

The model looks at a 256×256 version of the image (about 10 ms), so the mask's edges are
coarse at photo size; matte.py refines them along the image's own edges.
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

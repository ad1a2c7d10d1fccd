"""The house's layers, as the code imports them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROFILES = Path(settings.BASE_DIR) / "profiles"


def imported_modules(path, known):
    """What a file imports: `from package import module` names the module, not the package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in known else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def module_name(path):
    return ".".join(path.relative_to(PROFILES.parent).with_suffix("").parts).removesuffix(".__init__")


def profiles_graph():
    modules = {module_name(path): path for path in PROFILES.rglob("*.py") if "migrations" not in path.parts}
    return {
        name: {target for target in imported_modules(path, modules) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_no_import_cycle_in_profiles():
    graph = profiles_graph()
    done, on_path = set(), []

    def visit(name):
        if name in on_path:
            pytest.fail("import cycle: " + " -> ".join(on_path[on_path.index(name):] + [name]))
        if name in done:
            return
        on_path.append(name)
        for target in sorted(graph[name]):
            visit(target)
        on_path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("name", sorted(n for n in profiles_graph() if n.startswith("profiles.rules")))
def test_rules_import_nothing_above_them(name):
    upward = {t for t in profiles_graph()[name] if not t.startswith(("profiles.rules", "profiles.photos"))}
    assert not upward, f"{name} imports {upward}"


def test_no_views_module_is_imported_by_the_admin_the_services_or_the_commands():
    graph = profiles_graph()
    lower = [n for n in graph if n == "profiles.admin" or n.startswith(("profiles.services", "profiles.management"))]
    for name in lower:
        assert not {t for t in graph[name] if t.startswith("profiles.views")}, name


def test_importing_the_mail_service_loads_no_opencv_or_numpy():
    code = (
        "import sys, django; django.setup(); import profiles.services.mail, profiles.services.notifications; "
        "print(sorted(m for m in ('cv2', 'numpy', 'mediapipe') if m in sys.modules))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "smartbangkom.settings", "PATH": "/usr/bin:/bin",
           "DATABASE_URL": "sqlite:///:memory:"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=settings.BASE_DIR, check=True).stdout
    assert out.strip() == "[]"


def test_the_photo_service_does_load_opencv():
    # The control for the test above: the probe sees OpenCV where it is imported.
    code = "import sys, django; django.setup(); import profiles.services.uploads; print('cv2' in sys.modules)"
    env = {"DJANGO_SETTINGS_MODULE": "smartbangkom.settings", "PATH": "/usr/bin:/bin",
           "DATABASE_URL": "sqlite:///:memory:"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=settings.BASE_DIR, check=True).stdout
    assert out.strip() == "True"


def test_the_graph_sees_the_imports_it_checks():
    # The control for the tests above: an edge the code is known to have.
    graph = profiles_graph()
    assert "profiles.services.photo_fixes" in graph["profiles.services.uploads"]
    assert "profiles.photos.config" in graph["profiles.photos.checks"]

import dataclasses

import pytest

from folderpers.errors import FontError, Location
from folderpers.render.fonts import installed_families, require_font
from folderpers.source.load import load_institution
from folderpers.source.schemas import SchemaSet

from support import REPO


def test_installed_brand_font_passes_and_missing_font_is_an_error(tmp_project):
    assert {"lato", "open sans"} <= installed_families()
    institution = load_institution(tmp_project.root / "institutions/alpha/institution.yaml", SchemaSet(REPO / "schemas"))
    require_font(institution)
    missing = dataclasses.replace(institution, font="Comic Neue Pro", font_location=Location(institution.source, 9, 7))
    with pytest.raises(FontError) as caught:
        require_font(missing)
    assert "institution.yaml:9:7: font 'Comic Neue Pro' is not installed" in str(caught.value)
    assert "fc-list" in str(caught.value)

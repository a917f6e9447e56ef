"""The project's layout (folderpers/project.py): where its sources are."""


def test_the_folder_files_of_some_folders_are_those_of_all_that_they_name(tmp_project):
    for slug in ("een", "twee", "drie"):
        tmp_project.folder(slug)
    translation = tmp_project.root / "folders/twee/folder.en.yaml"
    translation.write_text((tmp_project.root / "folders/twee/folder.yaml").read_text("utf-8"), "utf-8")
    project = tmp_project.project
    every = project.folder_sources()
    assert translation in every and len(every) == 4
    assert project.folder_sources(("twee", "een")) == [source for source in every
                                                       if source.parent.name in ("een", "twee")]
    # names that are no folder of the project select nothing, whatever they point at
    for name in ("onbekend", "..", ".", "", "een/", "een/..", "../folders/een", "/"):
        assert project.folder_sources((name,)) == [], name

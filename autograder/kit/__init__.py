"""The student kit: what students receive (`autograder package student`, docs/student-kit.md) and the `check` and
`variant` commands run from it, without the course repository.

    manifest  kit.json: the course's settings, exercises and question templates as data; find and load a kit
    check     `autograder check` from the kit's case pack, through the course repository's pipeline
    readme    the kit's README.md, generated from the specs
    warm      the check server, host side: find or start it, hand it to the sandbox as the warm pool's server
    warm_server  the check server (standalone): the warm pool's fork server, kept between checks
"""

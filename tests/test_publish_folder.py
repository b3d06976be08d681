"""Publishing again into the folder a web server serves: the old site stays whole until the new one is swapped in."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_ptce.errors import InputError
from cap_ptce.publish.static import write_site

PATHS = ("/index.fr.html", "/index.en.html", "/grille/question/q01.ttl")


class Answer:
    def __init__(self, status: int, body: bytes):
        self.status_code, self._body = status, body

    def get_data(self) -> bytes:
        return self._body


class App:
    """Answers every path with ``edition`` in its body; ``during`` is called before each answer."""

    def __init__(self, edition: str, during=lambda path: None, broken: str | None = None):
        self.edition, self.during, self.broken = edition, during, broken

    def get(self, path: str) -> Answer:
        self.during(path)
        if path == self.broken:
            return Answer(500, b"")
        return Answer(200, f"{self.edition} {path}".encode())


def publish(client: App, out: Path, paths=PATHS):
    return write_site(
        client, paths, out, base_iri="https://example.org/cap-ptce/", default_lang="fr", not_found_page=b"404 page"
    )


def test_the_old_site_is_served_whole_while_the_new_one_is_built(tmp_path):
    out = tmp_path / "cap-ptce"
    publish(App("first"), out, (*PATHS, "/stale.html"))  # a page the next publish no longer writes
    old = {path: (out / path.lstrip("/")).read_bytes() for path in (*PATHS, "/index.html", "/404.html")}
    seen = []

    def still_the_old_site(path: str) -> None:  # a reader between two documents of the new build
        seen.append(path)
        assert {p: (out / p.lstrip("/")).read_bytes() for p in old} == old

    report = publish(App("second", still_the_old_site), out)
    assert seen == list(PATHS)
    assert report.out_dir == out
    assert (out / "index.html").read_bytes() == b"second /index.fr.html"
    assert (out / "404.html").read_bytes() == b"404 page"
    assert not (out / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cap-ptce"]  # neither the new folder nor the old one is left


def test_files_the_publisher_added_stay_and_are_named(tmp_path):
    """A publisher's robots.txt, a search engine's verification file, a .well-known folder: a publish again
    removed them without a word."""
    out = tmp_path / "cap-ptce"
    publish(App("first"), out)
    (out / "robots.txt").write_text("User-agent: *\n")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.org\n")
    (out / "grille" / "question" / "q01.ttl").write_text("edited by hand")  # a file the site writes
    (tmp_path / "archives").mkdir()
    (out / "archives").symlink_to(tmp_path / "archives")  # a link to a folder of the publisher's
    (out / "vide" / "aussi").mkdir(parents=True)  # empty folders of the publisher's
    report = publish(App("second"), out)
    assert (out / "robots.txt").read_text() == "User-agent: *\n"
    assert (out / ".well-known" / "security.txt").read_text() == "Contact: mailto:x@example.org\n"
    assert (out / "grille" / "question" / "q01.ttl").read_bytes() == b"second /grille/question/q01.ttl"
    assert report.kept == [".well-known/security.txt", "archives", "robots.txt", "vide/aussi/"]
    assert (out / "vide" / "aussi").is_dir()
    assert (out / "archives").resolve() == (tmp_path / "archives").resolve()
    assert report.replaced == []  # a file the site wrote, edited by hand, is still the site's
    third = publish(App("third"), out)  # still the publisher's, at every publish
    assert third.kept == [".well-known/security.txt", "archives", "robots.txt", "vide/aussi/"]
    assert (out / "robots.txt").read_text() == "User-agent: *\n"


def test_a_file_of_the_publisher_where_the_site_writes_one_is_replaced_and_named(tmp_path):
    out = tmp_path / "cap-ptce"
    publish(App("first"), out)
    (out / "sitemap.xml").write_text("mine")
    report = publish(App("second"), out, (*PATHS, "/sitemap.xml"))
    assert (out / "sitemap.xml").read_bytes() == b"second /sitemap.xml"
    assert (report.kept, report.replaced) == ([], ["sitemap.xml"])


def test_the_documents_written_are_told_as_they_go(tmp_path):
    """A publisher's finding of 2026-12-07: 150 descriptions took three minutes without a word."""
    told = []
    paths = ["/index.fr.html", *(f"/page-{number}.html" for number in range(249))]
    write_site(
        App("first"),
        paths,
        tmp_path / "site",
        base_iri="https://example.org/",
        default_lang="fr",
        not_found_page=b"404",
        progress=lambda *step: told.append(step),
    )
    assert told == [("pages", 100, 250), ("pages", 200, 250), ("pages", 250, 250)]


def test_a_build_that_fails_leaves_the_old_site_as_it_was(tmp_path):
    out = tmp_path / "cap-ptce"
    publish(App("first"), out)
    with pytest.raises(InputError, match="500"):
        publish(App("second", broken="/index.en.html"), out)
    assert (out / "index.html").read_bytes() == b"first /index.fr.html"
    assert [p.name for p in tmp_path.iterdir()] == ["cap-ptce"]


def test_a_folder_of_someone_else_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    asked = []
    with pytest.raises(InputError, match="cap-ptce publish"):
        publish(App("first", asked.append), out)
    assert asked == [] and [p.name for p in out.iterdir()] == ["thesis.tex"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_a_symbolic_link_is_refused_with_the_way_to_swap_it(tmp_path):
    target = tmp_path / "v1"
    publish(App("first"), target)
    link = tmp_path / "cap-ptce"
    link.symlink_to(target)
    with pytest.raises(InputError, match="lien symbolique / is a symbolic link") as refused:
        publish(App("second"), link)
    assert "point the link" in refused.value.hint
    assert (target / "index.html").read_bytes() == b"first /index.fr.html"


def test_what_a_killed_publish_left_beside_the_site_goes_at_the_next_one(tmp_path):
    """A publish killed mid-build leaves its new folder beside the site (under a web server's root, served);
    killed between its two renames, the old site renamed aside. The next publish removes those of publishes
    that are gone, and nothing else."""
    import os
    import subprocess

    out = tmp_path / "cap-ptce"
    publish(App("first"), out)
    gone = subprocess.Popen(["true"])  # a process that has ended
    gone.wait()
    leftovers = [tmp_path / f".cap-ptce.nouveau-{gone.pid}-k2x9", tmp_path / f".cap-ptce.ancien-{gone.pid}-a81"]
    for folder in leftovers:
        folder.mkdir()
        (folder / ".cap-ptce-site").write_text("written by cap-ptce publish\n")
        (folder / "index.html").write_text("a site half written")
    running = tmp_path / f".cap-ptce.nouveau-{os.getpid()}-live"  # a publish still at work: left to it
    running.mkdir()
    (running / ".cap-ptce-site").write_text("written by cap-ptce publish\n")
    someone = tmp_path / f".cap-ptce.nouveau-{gone.pid}-theirs"  # not marked as ours: left alone
    someone.mkdir()
    (someone / "notes.txt").write_text("mine")
    other_site = tmp_path / f".autre.nouveau-{gone.pid}-x1"  # another site's: its own publish will see to it
    other_site.mkdir()
    (other_site / ".cap-ptce-site").write_text("written by cap-ptce publish\n")
    publish(App("second"), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["cap-ptce", running.name, someone.name, other_site.name]
    )
    assert (out / "index.html").read_bytes() == b"second /index.fr.html"


def test_a_site_being_built_is_no_one_elses_to_read_until_it_is_swapped_in(tmp_path):
    """Beside the served site, under a web server's root, the folder being built (or left by a killed publish)
    is readable by its owner alone: the server, another user, answers 403, not a half-built copy."""
    import stat

    out = tmp_path / "cap-ptce"
    modes = []

    def building(path: str) -> None:
        [staging] = [p for p in tmp_path.iterdir() if p.name.startswith(".cap-ptce.nouveau-")]
        modes.append(stat.S_IMODE(staging.stat().st_mode))

    publish(App("first", building), out)
    publish(App("second", building), out)
    assert set(modes) == {0o700} and len(modes) == 2 * len(PATHS)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # served once swapped in


def test_a_site_left_renamed_aside_by_a_publish_killed_between_its_renames_is_served_again_at_once(tmp_path):
    """Killed between its two renames, a publish leaves no site: the old one aside, the new one beside it. The
    next publish puts the old one back before it builds, instead of leaving the address empty while it does."""
    import subprocess

    out = tmp_path / "cap-ptce"
    publish(App("first"), out)
    gone = subprocess.Popen(["true"])  # a process that has ended
    gone.wait()
    out.rename(tmp_path / f".cap-ptce.ancien-{gone.pid}-a81")
    built = tmp_path / f".cap-ptce.nouveau-{gone.pid}-k2x"
    built.mkdir()
    (built / ".cap-ptce-site").write_text("written by cap-ptce publish\n")
    seen = []

    def served(path: str) -> None:
        seen.append((out / "index.html").read_bytes())

    publish(App("second", served), out)
    assert seen == [b"first /index.fr.html"] * len(PATHS)  # the old site, whole, all along the build
    assert [p.name for p in tmp_path.iterdir()] == ["cap-ptce"]
    assert (out / "index.html").read_bytes() == b"second /index.fr.html"


@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP"])
def test_a_publish_ended_by_kill_or_a_closed_terminal_removes_what_it_was_building(tmp_path, ending):
    import signal
    import subprocess
    import time

    from servehelpers import CAP_PTCE

    www = tmp_path / "www"
    www.mkdir()
    publishing = subprocess.Popen(
        [CAP_PTCE, "publish", str(www / "cap-ptce"), "--base-iri", "http://127.0.0.1:8080/cap-ptce/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(www.glob(".cap-ptce.nouveau-*/*.html")):
        time.sleep(0.1)
    assert list(www.glob(".cap-ptce.nouveau-*")), "the publish did not start building"
    publishing.send_signal(getattr(signal, ending))
    assert publishing.wait(60) == 128 + getattr(signal, ending)
    assert list(www.iterdir()) == []  # nothing half built left beside the site, nor a site


def test_a_second_publish_of_a_folder_at_work_is_refused_at_once_and_the_first_ends_whole(tmp_path):
    """Two publishes of one folder at once each built a site and swapped it in, the last to end winning (one of
    them could fail between the other's renames). The second is now refused, naming the first's process."""
    import os
    import stat

    from cap_ptce.errors import FolderInUseError
    from cap_ptce.publish.static import locked

    out = tmp_path / "cap-ptce"
    refused, modes = [], []

    def another_publish_meanwhile(path: str) -> None:
        if path == PATHS[0]:
            modes.append(stat.S_IMODE((tmp_path / ".cap-ptce.verrou").stat().st_mode))
            with pytest.raises(FolderInUseError) as caught, locked(out):
                pass
            refused.append(caught.value)

    with locked(out):
        publish(App("first", another_publish_meanwhile), out)
    [error] = refused
    assert f"processus {os.getpid()}" in error.message and f"process {os.getpid()}" in error.message
    assert error.source == str(out) and "attendez sa fin" in error.hint and "wait for it to end" in error.hint
    assert modes == [0o600]  # under a web server's root, not another user's to read
    assert (out / "index.html").read_bytes() == b"first /index.fr.html"
    assert [p.name for p in tmp_path.iterdir()] == ["cap-ptce"]  # the lock's file goes with the publish
    with locked(out):  # let go: the next publish may start
        publish(App("second"), out)
    assert (out / "index.html").read_bytes() == b"second /index.fr.html"


def test_a_publish_refused_because_another_is_at_work_says_so_before_building_with_exit_code_2(tmp_path, capsys):
    import time

    from cap_ptce.cli import main
    from cap_ptce.publish.static import locked

    out = tmp_path / "cap-ptce"
    with locked(out):
        started = time.monotonic()
        code = main(["publish", str(out)])
        took = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and "another publish of this folder is at work" in err and "Traceback" not in err
    assert not out.exists() and took < 5  # refused before the site is read and drawn (tens of seconds)


def test_a_lock_left_by_a_publish_killed_outright_does_not_stop_the_next(tmp_path):
    """SIGKILL leaves the lock's file; the system let go of its lock with the process."""
    import subprocess
    import sys

    out = tmp_path / "cap-ptce"
    script = (
        "import sys, os, signal; from pathlib import Path; from cap_ptce.publish.static import locked\n"
        "with locked(Path(sys.argv[1])): os.kill(os.getpid(), signal.SIGKILL)"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(out)], check=False)
    assert killed.returncode == -9 and (tmp_path / ".cap-ptce.verrou").exists()
    from cap_ptce.publish.static import locked

    with locked(out):
        publish(App("after"), out)
    assert (out / "index.html").read_bytes() == b"after /index.fr.html"
    assert not (tmp_path / ".cap-ptce.verrou").exists()

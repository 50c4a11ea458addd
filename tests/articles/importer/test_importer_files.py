"""Which paths the importer reads: regular files and links to them, nothing else."""

import os
import socket
from pathlib import Path

import pytest

from articles.importer import ArticleParseError, read_article_file
from tests.articles.importer.importing import within

# Reading a FIFO with no writer blocks for ever; the deadline turns that into
# a failure instead of a hung test run.
DEADLINE = 10.0


def refusal(path: Path | str) -> str:
    with pytest.raises(ArticleParseError) as error:
        within(DEADLINE, read_article_file, path)
    return str(error.value)


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    assert refusal(fifo) == "is a named pipe (FIFO), not an article file"


def test_link_to_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "article.txt").symlink_to(tmp_path / "pipe")
    assert refusal(tmp_path / "article.txt") == (
        "is a named pipe (FIFO), not an article file"
    )


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
    assert refusal(path) == "is a socket, not an article file"


@pytest.mark.parametrize("device", ["/dev/zero", os.devnull])
def test_device_is_refused(device):
    assert refusal(device) == "is a device, not an article file"


def test_link_to_a_device_is_refused(tmp_path):
    (tmp_path / "article.txt").symlink_to("/dev/zero")
    assert refusal(tmp_path / "article.txt") == "is a device, not an article file"


def test_link_to_a_regular_file_is_read(tmp_path):
    (tmp_path / "real.txt").write_text("Title\nText.\n", encoding="utf-8")
    (tmp_path / "article.txt").symlink_to(tmp_path / "real.txt")
    assert within(DEADLINE, read_article_file, tmp_path / "article.txt") == (
        "Title\nText.\n"
    )


def test_broken_link_is_no_such_file(tmp_path):
    (tmp_path / "article.txt").symlink_to(tmp_path / "gone.txt")
    assert refusal(tmp_path / "article.txt") == "no such file"


def test_link_to_a_directory_is_refused(tmp_path):
    (tmp_path / "article.txt").symlink_to(tmp_path, target_is_directory=True)
    assert refusal(tmp_path / "article.txt") == "is a directory, not an article file"

"""Steps after a commit: once per transaction, never lost to another transaction."""

import threading

import pytest
from django.db import connection, transaction

from newsroom.after_commit import once_after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_step_asked_for_again_in_one_transaction_runs_once_after_it():
    runs = []
    with transaction.atomic():
        for _ in range(3):
            once_after_commit("article:1", lambda: runs.append("text"))
        once_after_commit("article:2", lambda: runs.append("other"))
        assert runs == []
    assert runs == ["text", "other"]


def test_a_step_of_a_rolled_back_savepoint_is_asked_again():
    runs = []
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            once_after_commit("article:1", lambda: runs.append("lost"))
            raise RuntimeError
        once_after_commit("article:1", lambda: runs.append("kept"))
    assert runs == ["kept"]


def test_a_rolled_back_transaction_runs_nothing_and_leaves_nothing_waiting():
    runs = []
    with pytest.raises(RuntimeError), transaction.atomic():
        once_after_commit("article:1", lambda: runs.append("lost"))
        raise RuntimeError
    with transaction.atomic():
        once_after_commit("article:1", lambda: runs.append("next"))
    assert runs == ["next"]


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite takes the write lock when a transaction begins: two cannot overlap",
)
def test_each_of_two_overlapping_transactions_runs_its_own_step():
    runs = []
    both_asked = threading.Barrier(2, timeout=10)
    first_committed = threading.Event()

    def save(name: str, commit_first: bool) -> None:
        try:
            with transaction.atomic():
                once_after_commit("article:1", lambda: runs.append(name))
                both_asked.wait()
                if not commit_first:
                    first_committed.wait(10)
            if commit_first:
                first_committed.set()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("first", True)),
        threading.Thread(target=save, args=("second", False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    # The second commit's rows were not there when the first step ran.
    assert sorted(runs) == ["first", "second"]

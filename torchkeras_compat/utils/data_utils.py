"""Data helpers (``keras.utils.data_utils``): ``Sequence``, ``get_file`` and the enqueuers that
feed a ``Sequence`` or a generator to ``fit`` from worker threads or processes.

The training loop uses :func:`iterate_sequence` for one epoch of a ``Sequence``::

    for batch in iterate_sequence(seq, workers=4, use_multiprocessing=False,
                                  max_queue_size=10, shuffle=True):
        ...
    seq.on_epoch_end()   # the caller's job, as in Keras's data adapter
"""
import collections
import hashlib
import multiprocessing
import os
import queue
import random
import shutil
import tarfile
import threading
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from typing import Iterator, List, Optional
from urllib.parse import urlsplit

from torchkeras_compat.utils.io_utils import path_to_string, print_msg

__all__ = ["Sequence", "get_file", "validate_file", "iterate_sequence", "SequenceEnqueuer",
           "OrderedEnqueuer", "GeneratorEnqueuer"]


class Sequence:
    """Base class for datasets indexed by batch, safe to read from several workers.

    Subclasses implement ``__getitem__(index)`` (the batch at `index`: ``x``, ``(x, y)`` or
    ``(x, y, sample_weight)``) and ``__len__()`` (the number of batches per epoch), and may
    implement ``on_epoch_end()`` (called after every epoch, e.g. to reshuffle).

    Because every batch is addressed by its index, each one is produced exactly once per epoch
    even when ``fit(..., workers=4)`` reads from several threads or processes.
    """

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__().")

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch; does nothing unless overridden."""

    def __iter__(self):
        """Yield the batches of one epoch in order."""
        for i in range(len(self)):
            yield self[i]


# -- downloads and the cache -----------------------------------------------------------------

def _cache_root(cache_dir: Optional[str]) -> str:
    """`cache_dir`, else $KERAS_HOME, else ~/.keras; /tmp/.keras when that is not writable.

    As in Keras, an explicit `cache_dir` must already exist and be writable, otherwise the
    file goes to /tmp/.keras; only the default folder is created (Keras makes ~/.keras on
    import).
    """
    default = cache_dir is None
    if default:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    base = os.path.expanduser(path_to_string(cache_dir))
    if default and _writable_parent(base):
        os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return base


def _writable_parent(path: str) -> bool:
    parent = path
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    return bool(parent) and os.access(parent, os.W_OK)


def _resolve_hasher(algorithm: str, file_hash: Optional[str] = None):
    if algorithm == "sha256" or (algorithm == "auto" and (file_hash is None or len(file_hash) == 64)):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"Unknown hash_algorithm {algorithm!r}; use 'auto', 'sha256' or 'md5'.")


def _hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """Hex digest of the file at `fpath` ('sha256', 'md5' or 'auto' = sha256)."""
    hasher = _resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto",
                  chunk_size: int = 65535) -> bool:
    """Whether the file's sha256/md5 digest equals `file_hash` ('auto' picks by hash length)."""
    hasher = _resolve_hasher(algorithm, file_hash)
    return str(_hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _is_inside(base: str, target: str) -> bool:
    base, target = os.path.realpath(base), os.path.realpath(target)
    return os.path.commonpath([base, target]) == base


def _safe_tar_members(archive: tarfile.TarFile, path: str):
    for member in archive.getmembers():
        if member.issym() or member.islnk():
            link_target = os.path.join(path, os.path.dirname(member.name), member.linkname)
            if not _is_inside(path, link_target):
                continue  # a link pointing out of the target folder is skipped
        if _is_inside(path, os.path.join(path, member.name)):
            yield member


def _extract_archive(file_path: str, path: str = ".", archive_format="auto") -> bool:
    """Extract a tar(.gz/.bz2) or zip archive into `path`; False when it is neither format.

    Members that would land outside `path` (``../`` names, outbound links) are skipped.
    """
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path, path = path_to_string(file_path), path_to_string(path)
    for fmt in archive_format:
        if fmt == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                _extract_cleanly(lambda: archive.extractall(path, members=_safe_tar_members(archive, path)), path)
            return True
        if fmt == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                names = [n for n in archive.namelist() if _is_inside(path, os.path.join(path, n))]
                _extract_cleanly(lambda: archive.extractall(path, members=names), path)
            return True
    return False


def _extract_cleanly(extract, path: str) -> None:
    try:
        extract()
    except (tarfile.TarError, zipfile.BadZipFile, RuntimeError, KeyboardInterrupt, OSError):
        if os.path.exists(path):  # no half-extracted folder is left behind
            if os.path.isfile(path):
                os.remove(path)
            else:
                shutil.rmtree(path)
        raise


class _DownloadProgress:
    """`urlretrieve` report hook that drives a byte-count Progbar."""

    def __init__(self):
        self.progbar = None
        self.finished = False

    def __call__(self, block_num: int, block_size: int, total_size: int) -> None:
        from torchkeras_compat.utils.generic_utils import Progbar

        if self.progbar is None:
            self.progbar = Progbar(None if total_size == -1 else total_size)
        current = block_num * block_size
        if self.progbar.target is None:
            self.progbar.update(current)
        elif current < self.progbar.target:
            self.progbar.update(current)
        elif not self.finished:
            self.progbar.update(self.progbar.target)
            self.finished = True


def get_file(fname: Optional[str] = None, origin: Optional[str] = None, untar: bool = False,
             md5_hash: Optional[str] = None, file_hash: Optional[str] = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto", extract: bool = False,
             archive_format="auto", cache_dir: Optional[str] = None) -> str:
    """Download `origin` into the Keras cache unless it is already there; return the local path.

    The file goes to ``<cache_dir>/<cache_subdir>/<fname>``; `cache_dir` defaults to
    ``$KERAS_HOME`` or ``~/.keras`` (``/tmp/.keras`` when that is not writable). A cached file
    whose `file_hash` (sha256 or md5; `md5_hash` is the old spelling) does not match is
    downloaded again. `extract=True` unpacks tar/zip archives next to it; `untar=True` is the
    old form, returning the extracted folder's path.

    Raises:
        ValueError: no `origin`, or a downloaded file fails the hash check.
        ConnectionError: the download failed (e.g. no network); the message says where to put
            the file by hand.
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(_cache_root(cache_dir), path_to_string(cache_subdir))
    os.makedirs(datadir, exist_ok=True)

    fname = path_to_string(fname)
    if not fname:
        fname = os.path.basename(urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    if untar:
        if fname.endswith(".tar.gz"):
            fname = fname[: -len(".tar.gz")]
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)

    download = not os.path.exists(fpath)
    if not download and file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
        print_msg("A local file was found, but it seems to be incomplete or outdated because the "
                  f"{hash_algorithm} file hash does not match the original value of {file_hash} "
                  "so we will re-download the data.")
        download = True

    if download:
        _download(origin, fpath)
        if file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file "
                             f"hash does not match the provided value of {file_hash}.")

    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format="tar")
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath


def _download(origin: str, fpath: str) -> None:
    print_msg(f"Downloading data from {origin}")
    partial = fpath + ".part"  # never leave a truncated file under the final name
    try:
        try:
            urllib.request.urlretrieve(origin, partial, _DownloadProgress())
        except urllib.error.HTTPError as e:
            raise ConnectionError(f"URL fetch failure on {origin}: {e.code} -- {e.msg}") from e
        except urllib.error.URLError as e:
            raise ConnectionError(
                f"URL fetch failure on {origin}: {getattr(e, 'errno', None)} -- {e.reason}. "
                f"Is this machine offline? Download the file elsewhere and copy it to {fpath}, "
                "then call again.") from e
        os.replace(partial, fpath)
    except (Exception, KeyboardInterrupt):
        if os.path.exists(partial):
            os.remove(partial)
        raise


# -- feeding a Sequence / generator from workers ---------------------------------------------

# Sequences handed to worker processes, by enqueuer id: forked children inherit this dict.
_SHARED_SEQUENCES = {}
_next_uid = count()


def _init_worker(sequences: dict) -> None:
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = sequences
    try:  # a forked child must not fight its parent for the BLAS/OpenMP threads
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass


def _get_batch(uid: int, index: int):
    return _SHARED_SEQUENCES[uid][index]


def _process_pool(workers: int, uid: int, seq):
    """A process pool whose workers can read `seq`; fork where available, as Keras does."""
    _SHARED_SEQUENCES[uid] = seq
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ctx.Pool(workers, initializer=_init_worker, initargs=(dict(_SHARED_SEQUENCES),))


def _epoch_order(n: int, shuffle: bool) -> List[int]:
    # numpy's RNG, like fit's in-thread path, so the order does not depend on `workers`
    import numpy as np

    return np.random.permutation(n).tolist() if shuffle else list(range(n))


def iterate_sequence(seq: Sequence, workers: int = 1, use_multiprocessing: bool = False,
                     max_queue_size: int = 10, shuffle: bool = False) -> Iterator:
    """Yield the batches of one epoch of `seq`, produced by worker threads or processes.

    Batches come out in index order (or one random permutation of it with `shuffle`), each
    exactly once. With ``workers <= 1`` and no multiprocessing they are read in the calling
    thread. Otherwise up to `max_queue_size` batches are prefetched by `workers` threads
    (``use_multiprocessing=False``) or processes (``True``; fork start method where available).
    Breaking out of the loop cancels the outstanding work. ``seq.on_epoch_end()`` is NOT
    called: that is the caller's job at the end of each epoch.

    Args:
        seq: a `Sequence` (anything with `__len__` and `__getitem__`).
        workers: number of worker threads/processes.
        use_multiprocessing: use processes instead of threads (batches are pickled).
        max_queue_size: how many batches may be prefetched.
        shuffle: visit the batches in a random order (`np.random.permutation`, as fit does
            without workers, so a seed gives the same order whatever `workers` is).
    """
    order = _epoch_order(len(seq), shuffle)
    if workers <= 1 and not use_multiprocessing:
        for i in order:
            yield seq[i]
        return
    workers = max(1, int(workers))
    max_queue_size = max(1, int(max_queue_size))
    if use_multiprocessing:
        uid = next(_next_uid)
        pool = _process_pool(workers, uid, seq)
        submit = lambda i: pool.apply_async(_get_batch, (uid, i))  # noqa: E731
        result = lambda job: job.get()  # noqa: E731
        close = lambda: (pool.terminate(), pool.join(), _SHARED_SEQUENCES.pop(uid, None))  # noqa: E731
    else:
        executor = ThreadPoolExecutor(max_workers=workers)
        submit = lambda i: executor.submit(seq.__getitem__, i)  # noqa: E731
        result = lambda job: job.result()  # noqa: E731

        def close():
            for job in pending:
                job.cancel()
            executor.shutdown(wait=True)
    pending = collections.deque()
    try:
        indices = iter(order)
        for i in indices:
            pending.append(submit(i))
            if len(pending) >= max_queue_size:
                break
        while pending:
            batch = result(pending.popleft())
            nxt = next(indices, None)
            if nxt is not None:
                pending.append(submit(nxt))
            yield batch
    finally:
        close()


class SequenceEnqueuer:
    """Base of the enqueuers: `start(workers, max_queue_size)`, `get()` (endless generator of
    batches), `stop()`, `is_running()` — the Keras 2 interface old training scripts use."""

    def __init__(self, sequence, use_multiprocessing: bool = False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self.workers = 0
        self.max_queue_size = 10
        self.queue = None
        self.stop_signal = None
        self.run_thread = None

    def is_running(self) -> bool:
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers: int = 1, max_queue_size: int = 10) -> None:
        """Start filling the queue (capacity `max_queue_size`) from `workers` workers."""
        self.workers = workers
        self.max_queue_size = max_queue_size
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self.run_thread = threading.Thread(target=self._run, daemon=True)
        self.run_thread.start()

    def stop(self, timeout: Optional[float] = None) -> None:
        """Stop the workers and wait (up to `timeout` s) for them to finish."""
        if self.stop_signal is None:
            return
        self.stop_signal.set()  # a producer blocked on a full queue notices within 0.1 s
        if self.run_thread is not None:
            self.run_thread.join(timeout)

    def _put(self, item) -> bool:
        """Put `item` unless stopped meanwhile; False when stopped."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, block=True, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self):
        raise NotImplementedError

    def get(self):
        """Yield batches until `stop()`; an exception raised by a worker is re-raised here."""
        while self.is_running() or not self.queue.empty():
            try:
                kind, item = self.queue.get(block=True, timeout=0.1)
            except queue.Empty:
                continue
            if kind == "error":
                self.stop()
                raise item
            yield item


class OrderedEnqueuer(SequenceEnqueuer):
    """Feeds a `Sequence` epoch after epoch, batches in order (or shuffled per epoch), calling
    `sequence.on_epoch_end()` between epochs.

    Args:
        sequence: the `Sequence`.
        use_multiprocessing: workers are processes instead of threads.
        shuffle: shuffle the batch order every epoch.
    """

    def __init__(self, sequence, use_multiprocessing: bool = False, shuffle: bool = False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _run(self) -> None:
        try:
            while not self.stop_signal.is_set():
                for batch in iterate_sequence(self.sequence, max(self.workers, 1) if
                                              self.use_multiprocessing else self.workers,
                                              self.use_multiprocessing, self.max_queue_size,
                                              self.shuffle):
                    if not self._put(("batch", batch)):
                        return
                self.sequence.on_epoch_end()
        except Exception as e:  # handed to the consumer in get()
            self._put(("error", e))


class GeneratorEnqueuer(SequenceEnqueuer):
    """Feeds the items of a python generator from `workers` threads (a lock serialises `next`).

    Args:
        generator: the generator (or any iterator).
        use_multiprocessing: accepted for Keras 2 compatibility; a generator cannot be shared
            between processes, so threads are used (Keras 2 warned the same way).
        random_seed: seed for python's `random` in the workers.
    """

    def __init__(self, generator, use_multiprocessing: bool = False,
                 random_seed: Optional[int] = None):
        super().__init__(generator, use_multiprocessing)
        self.random_seed = random_seed
        self._lock = threading.Lock()
        self._active = 0

    def _run(self) -> None:
        if self.random_seed is not None:
            random.seed(self.random_seed)
        threads = [threading.Thread(target=self._pull, daemon=True)
                   for _ in range(max(1, self.workers))]
        self._active = len(threads)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.stop_signal.set()

    def _pull(self) -> None:
        while not self.stop_signal.is_set():
            try:
                with self._lock:
                    item = next(self.sequence)
            except StopIteration:
                break
            except Exception as e:
                self._put(("error", e))
                break
            if not self._put(("batch", item)):
                break

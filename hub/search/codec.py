"""How the hub has Whoosh write and read segments: Whoosh 2.7's codec with posting blocks
laid out for reading whole, in C (issues 7 and 16).

* **No per-block length statistics.**  When Whoosh writes a segment it looks up every
  posting's document length through the lengths column — one Python call chain per
  posting, ≈ 30 % of a rebuild's CPU time — only to store each block's shortest and
  longest document, an upper bound Whoosh's own top-N search uses to skip blocks.
  Without them the bound is looser (never wrong), and the hub's own matching
  (``hub.search.matching``) scores every match anyway.
* **Blocks of arrays instead of pickled tuples** (issue 16).  Whoosh pickles each block
  of postings as one tuple (ids, weights, one encoded value per posting) and compresses
  it: reading a word's documents unpickles every posting's positions too, and a phrase
  then unpickles each candidate's positions once more (``pickle.loads`` was 58 % of a
  two-word query and most of a phrase query at 100 000 documents).  Here a block is two
  separately compressed parts: the ids (deltas, ``array('I')``) with the weights, and the
  values (each posting's length, then the values one after another).  A word's
  documents read only the first part; a phrase reads the second only for blocks holding
  a candidate, and slices the candidates' positions out of one array.
* **Blocks of 1 024 postings** instead of 128 (``BLOCK_POSTINGS``).
* **Positions as arrays** (``HubPositions``): a posting's positions are its token
  indexes as ``array('I')`` bytes, not a pickled list of deltas, so a block's positions
  become one array with one C call.

Whoosh's own matchers read these blocks through ``HubLeafMatcher`` (the block's tuple is
rebuilt as Whoosh expects it), so Whoosh's searching, merging and ``tests/search/
test_codec.py``'s comparison with the stock codec work unchanged.  The codec and format
are pickled into each index's table of contents and schema: the classes must stay
importable under these names; an index written with the stock ``Positions`` is rebuilt
(``hub.search.index.open_index`` compares the fields' formats).
"""
from __future__ import annotations

import struct
import zlib
from array import array
from itertools import accumulate, pairwise
from pickle import dumps

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Positions
from whoosh.matching.mcore import ListMatcher
from whoosh.system import emptybytes
from whoosh.util.numeric import length_to_byte

#: a block's data: flags, then the length of its first (compressed) part
_HEAD = struct.Struct("<BI")
_HEAD_SIZE = _HEAD.size
# how the weights are stored (flags & 3); whether values follow (flags & 4)
_ONES, _SAME, _EACH = 0, 1, 2
_VALUES = 4
_INTS = "I" if array("I").itemsize == 4 else "L"


class HubPositions(Positions):
    """Whoosh's ``Positions`` with each posting's positions stored as ``array('I')``
    bytes (token indexes, ascending): decoded by one C call instead of an unpickle and a
    Python loop."""

    def encode(self, poslist):
        return array(_INTS, poslist).tobytes()

    def decode_positions(self, valuestring):
        return array(_INTS, valuestring).tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


class HubPostingsWriter(W3PostingsWriter):
    """Writes each block as arrays (see the module's docstring); block headers, term
    infos and everything else as Whoosh 2.7 writes them."""

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        count = len(ids)
        deltas = array(_INTS, (ids[0],))
        if count > 1:
            deltas.extend(b - a for a, b in pairwise(ids))
        first = deltas.tobytes()
        weights = self._weights
        w0 = weights[0]
        if all(w == w0 for w in weights):
            flags = _ONES if w0 == 1.0 else _SAME
            if flags == _SAME:
                first += array("f", (w0,)).tobytes()
        else:
            flags = _EACH
            first += weights.tobytes()
        comp = self._compression
        first = zlib.compress(first, comp) if comp else first
        second = emptybytes
        values = self._values
        fixed = self._format.fixed_value_size()
        if values and fixed != 0:
            flags |= _VALUES
            if fixed is None or fixed < 0:
                second = array(_INTS, map(len, values)).tobytes() + emptybytes.join(values)
            else:
                second = emptybytes.join(values)
            second = zlib.compress(second, comp) if comp else second
        databytes = _HEAD.pack(flags, len(first)) + first + second
        infobytes = dumps((count, ids[-1], self._maxweight, comp,
                           length_to_byte(self._minlength),
                           length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class HubLeafMatcher(W3LeafMatcher):
    """Reads ``HubPostingsWriter``'s blocks; besides Whoosh's matcher interface it gives
    a block's raw parts to ``hub.search.matching`` (``block_ids``, ``block_weights``,
    ``block_values``)."""

    def _parts(self):
        """(flags, first part decompressed, offset and length of the second part)."""
        start = self._dataoffset
        postfile = self._postfile
        flags, size = _HEAD.unpack(postfile.get(start, _HEAD_SIZE))
        first = postfile.get(start + _HEAD_SIZE, size)
        if self._compression:
            first = zlib.decompress(first)
        rest = start + _HEAD_SIZE + size
        return flags, first, rest, self._nextoffset - rest

    def _read_data(self):
        flags, first, rest, rest_len = self._parts()
        count = self._blocklength
        deltas = array(_INTS)
        deltas.frombytes(first[:4 * count])
        kind = flags & 3
        if kind == _ONES:
            weights = None
        elif kind == _SAME:
            weights = array("f", first[4 * count:4 * count + 4])[0]
        else:
            weights = array("f", first[4 * count:])
        self._data = (deltas, weights, None)
        self._flags, self._rest = flags, (rest, rest_len)

    def block_ids(self) -> list[int]:
        """The block's document numbers (within the segment)."""
        if self._data is None:
            self._read_data()
        return list(accumulate(self._data[0]))

    def block_weights(self):
        """The block's weights: None (all 1.0), one float for all, or an array."""
        if self._data is None:
            self._read_data()
        return self._data[1]

    def block_values(self) -> bytes:
        """The block's second part, decompressed: for variable-size values each
        posting's length (``array('I')``) then the values; empty without values."""
        if self._data is None:
            self._read_data()
        if not self._flags & _VALUES:
            return emptybytes
        rest, rest_len = self._rest
        raw = self._postfile.get(rest, rest_len)
        return zlib.decompress(raw) if self._compression else raw

    def block_values_later(self):
        """A function reading the block's ``block_values`` later (after the matcher
        has moved on): a phrase reads the values of the blocks holding a candidate."""
        if self._data is None:
            self._read_data()
        if not self._flags & _VALUES:
            return lambda: emptybytes
        postfile, (rest, rest_len), comp = self._postfile, self._rest, self._compression

        def read() -> bytes:
            raw = postfile.get(rest, rest_len)
            return zlib.decompress(raw) if comp else raw

        return read

    def _read_values(self):
        if self._data is None:
            self._read_data()
        fixed, count = self._fixedsize, self._blocklength
        if fixed == 0:
            self._values = (None,) * count
            return
        raw = self.block_values()
        if not raw:
            self._values = (emptybytes,) * count
        elif fixed is None or fixed < 0:
            lengths = array(_INTS)
            lengths.frombytes(raw[:4 * count])
            ends = list(accumulate(lengths, initial=4 * count))
            self._values = tuple(raw[a:b] for a, b in pairwise(ends))
        else:
            self._values = tuple(raw[i:i + fixed] for i in range(0, count * fixed, fixed))


#: postings per block (Whoosh: 128).  The hub reads posting lists whole, so each block's
#: fixed cost in Python (its header, a decompression, a few arrays) is paid 8× less often;
#: only Whoosh's own block skipping, which the hub does not use, skips coarser
BLOCK_POSTINGS = 1024


class HubCodec(W3Codec):
    """Whoosh 2.7's codec with the hub's blocks (see the module's docstring)."""

    length_stats = False

    def __init__(self, blocklimit=BLOCK_POSTINGS, compression=3, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression,
                         inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (the hub keeps none): Whoosh's own blocks
            return super().postings_writer(dbfile, byteids=True)
        return HubPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                 compression=self._compression,
                                 inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term,
                               terminfo=terminfo)
        offset, length = terminfo.extent()
        return HubLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def writer_options() -> dict:
    """Keyword arguments for every ``Index.writer()`` the hub opens."""
    return {"codec": HubCodec()}

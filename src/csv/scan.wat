;; The CSV row scanner's hot loop (see scanUnits in rowIndex.ts for the same rules in
;; TypeScript): finds where each record starts in a chunk of single-byte-encoded CSV. `scan`
;; takes 64 bytes at a time from their bitmasks where it can, and otherwise, like `scanColumn`,
;; goes by the byte rules: outside quotes only line breaks and quotes change the state, inside
;; quotes only quotes do, so it jumps from one of those bytes to the next with SIMD compares.
;;
;; `scan` finds record starts for the row index; `scanColumn` also splits fields and gives one
;; column's field of every record, for the column profile.
;;
;; Memory: `scan`'s chunk anywhere, `scanColumn`'s at [0, len); results (u32, relative to the chunk) written from outPtr.
;; States are rowIndex.ts's: 0 line start, 1 field start, 2 unquoted, 3 quoted, 4 quote seen
;; inside a quoted field, 5 spaces after a closing quote.
(module
  (memory (export "memory") 1)
  (global $state (export "state") (mut i32) (i32.const 0))
  ;; Offset of the quote that opened the current quoted field, or -1 when this chunk opened none.
  (global $quoteOpen (export "quoteOpen") (mut i32) (i32.const -1))

  ;; First LF, CR or quote at or after $i, or $n.
  (func $nextOuter (param $i i32) (param $n i32) (result i32)
    (local $mask i32)
    (block $tail
      (loop $blocks
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
        (local.set $mask
          (i8x16.bitmask
            (v128.or
              (v128.or
                (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 10)))
                (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 13))))
              (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 34))))))
        (if (local.get $mask) (then (return (i32.add (local.get $i) (i32.ctz (local.get $mask))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.or
              (i32.or (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)) (i32.eq (i32.load8_u (local.get $i)) (i32.const 13)))
              (i32.eq (i32.load8_u (local.get $i)) (i32.const 34)))
          (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bytes)))
    (local.get $n))

  ;; First quote at or after $i, or $n.
  (func $nextQuote (param $i i32) (param $n i32) (result i32)
    (local $mask i32)
    (block $tail
      (loop $blocks
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
        (local.set $mask (i8x16.bitmask (i8x16.eq (v128.load (local.get $i)) (i8x16.splat (i32.const 34)))))
        (if (local.get $mask) (then (return (i32.add (local.get $i) (i32.ctz (local.get $mask))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 34)) (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bytes)))
    (local.get $n))

  ;; Scans [$start, $start + $len) from the state in the global $state; returns how many record
  ;; starts it wrote. Starts are relative to $start plus $bias (u32), $quoteOpen to $start, so the
  ;; chunk can sit in either half of a double buffer and the starts be the row index's deltas.
  ;;
  ;; The data goes 64 bytes at a time as bitmasks (bit k for byte k): Q quotes, L line breaks, S
  ;; separators (line breaks and delimiters). Rows of real files (and the bench's, about 128 bytes)
  ;; hold a few quotes each, so leaving the block loop for every quote and line break was the
  ;; cost. A block is taken whole when the simple rule holds in it: a quote met outside quotes
  ;; opens a field (it follows a separator or a closing quote) and one met inside closes it (a
  ;; separator or a quote follows).
  ;; Then whether byte k is inside quotes is the parity of the quotes before it (a prefix XOR of
  ;; Q), and the record starts are the bytes outside quotes, no line break themselves, right
  ;; after a line break outside quotes. Any other block (a quote inside an unquoted field, spaces
  ;; after a closing quote, the chunk's last 63 bytes or fewer) goes byte by byte, as before.
  ;;
  ;; Between blocks the state is four bits, each 0 or 1: inside quotes, right after a closing
  ;; quote (4), at a line start (0), at a field start (0 or 1).
  (func (export "scan") (param $start i32) (param $len i32) (param $delim i32) (param $outPtr i32) (param $bias i32) (result i32)
    (local $origin i32) (local $i i32) (local $j i32) (local $c i32) (local $st i32) (local $n i32) (local $lim i32) (local $out i32) (local $quoteAt i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $lf0 v128) (local $lf1 v128) (local $lf2 v128) (local $lf3 v128)
    (local $vq v128) (local $vlf v128) (local $vcr v128) (local $vd v128)
    (local $q i64) (local $l i64) (local $sep i64) (local $p i64) (local $pin i64) (local $open i64) (local $close i64)
    (local $after i64) (local $fieldStart i64) (local $lineOut i64) (local $s i64)
    (local $inQuotes i64) (local $afterClose i64) (local $atLine i64) (local $atField i64)
    (local.set $i (local.get $start))
    (local.set $n (i32.add (local.get $start) (local.get $len)))
    ;; Where a start's stored value counts from: byte $i is stored as $i - $origin.
    (local.set $origin (i32.sub (local.get $start) (local.get $bias)))
    (local.set $st (global.get $state))
    (local.set $out (local.get $outPtr))
    (local.set $quoteAt (i32.const -1))
    (local.set $vq (i8x16.splat (i32.const 34)))
    (local.set $vlf (i8x16.splat (i32.const 10)))
    (local.set $vcr (i8x16.splat (i32.const 13)))
    ;; A delimiter above 255 matches no byte (a splat would keep its low byte): LF stands in.
    (local.set $vd (i8x16.splat (select (local.get $delim) (i32.const 10) (i32.lt_u (local.get $delim) (i32.const 256)))))
    (block $end
      (loop $main
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (block $slow
          ;; 5 (spaces after a closing quote) is left to the byte rules.
          (br_if $slow (i32.eq (local.get $st) (i32.const 5)))
          (local.set $inQuotes (i64.extend_i32_u (i32.eq (local.get $st) (i32.const 3))))
          (local.set $afterClose (i64.extend_i32_u (i32.eq (local.get $st) (i32.const 4))))
          (local.set $atLine (i64.extend_i32_u (i32.eqz (local.get $st))))
          (local.set $atField (i64.extend_i32_u (i32.lt_u (local.get $st) (i32.const 2))))
          (block $leave
            (loop $blocks
              (br_if $leave (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $n)))
          (local.set $v0 (v128.load (local.get $i)))
          (local.set $lf0 (v128.or (i8x16.eq (local.get $v0) (local.get $vlf)) (i8x16.eq (local.get $v0) (local.get $vcr))))
          (local.set $v1 (v128.load offset=16 (local.get $i)))
          (local.set $lf1 (v128.or (i8x16.eq (local.get $v1) (local.get $vlf)) (i8x16.eq (local.get $v1) (local.get $vcr))))
          (local.set $v2 (v128.load offset=32 (local.get $i)))
          (local.set $lf2 (v128.or (i8x16.eq (local.get $v2) (local.get $vlf)) (i8x16.eq (local.get $v2) (local.get $vcr))))
          (local.set $v3 (v128.load offset=48 (local.get $i)))
          (local.set $lf3 (v128.or (i8x16.eq (local.get $v3) (local.get $vlf)) (i8x16.eq (local.get $v3) (local.get $vcr))))
          (local.set $q (i64.or
            (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vq))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vq))) (i32.const 16))))
            (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vq))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vq))) (i32.const 16)))) (i64.const 32))))
          (local.set $l (i64.or
            (i64.extend_i32_u (i32.or (i8x16.bitmask (local.get $lf0)) (i32.shl (i8x16.bitmask (local.get $lf1)) (i32.const 16))))
            (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (local.get $lf2)) (i32.shl (i8x16.bitmask (local.get $lf3)) (i32.const 16)))) (i64.const 32))))
          (local.set $sep (i64.or
            (i64.extend_i32_u (i32.or (i8x16.bitmask (v128.or (local.get $lf0) (i8x16.eq (local.get $v0) (local.get $vd)))) (i32.shl (i8x16.bitmask (v128.or (local.get $lf1) (i8x16.eq (local.get $v1) (local.get $vd)))) (i32.const 16))))
            (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (v128.or (local.get $lf2) (i8x16.eq (local.get $v2) (local.get $vd)))) (i32.shl (i8x16.bitmask (v128.or (local.get $lf3) (i8x16.eq (local.get $v3) (local.get $vd)))) (i32.const 16)))) (i64.const 32))))
              ;; $p bit k: inside quotes after byte k; $pin: before it.
              (local.set $p (i64.xor (local.get $q) (i64.shl (local.get $q) (i64.const 1))))
              (local.set $p (i64.xor (local.get $p) (i64.shl (local.get $p) (i64.const 2))))
              (local.set $p (i64.xor (local.get $p) (i64.shl (local.get $p) (i64.const 4))))
              (local.set $p (i64.xor (local.get $p) (i64.shl (local.get $p) (i64.const 8))))
              (local.set $p (i64.xor (local.get $p) (i64.shl (local.get $p) (i64.const 16))))
              (local.set $p (i64.xor (local.get $p) (i64.shl (local.get $p) (i64.const 32))))
              (local.set $p (i64.xor (local.get $p) (i64.sub (i64.const 0) (local.get $inQuotes))))
              (local.set $pin (i64.or (i64.shl (local.get $p) (i64.const 1)) (local.get $inQuotes)))
              (local.set $open (i64.and (local.get $q) (i64.xor (local.get $pin) (i64.const -1))))
              (local.set $close (i64.and (local.get $q) (local.get $pin)))
              ;; Bytes right after a closing quote; bytes where a field starts.
              (local.set $after (i64.or (i64.shl (local.get $close) (i64.const 1)) (local.get $afterClose)))
              (local.set $fieldStart (i64.or (i64.shl (local.get $sep) (i64.const 1)) (local.get $atField)))
              (br_if $leave (i64.ne (i64.const 0) (i64.or
                (i64.and (local.get $open) (i64.xor (i64.or (local.get $fieldStart) (local.get $after)) (i64.const -1)))
                (i64.and (local.get $after) (i64.xor (i64.or (local.get $q) (local.get $sep)) (i64.const -1))))))
              ;; The last quote that opened a field, for the unterminated-quote report (a quote
              ;; right after a closing one is the second of a doubled quote, not an opening).
              (local.set $open (i64.and (local.get $open) (local.get $fieldStart)))
              (local.set $quoteAt (select
                (i32.sub (i32.sub (i32.add (local.get $i) (i32.const 63)) (i32.wrap_i64 (i64.clz (local.get $open)))) (local.get $start))
                (local.get $quoteAt)
                (i64.ne (local.get $open) (i64.const 0))))
              (local.set $lineOut (i64.and (local.get $l) (i64.xor (local.get $pin) (i64.const -1))))
              (local.set $s (i64.and
                (i64.xor (i64.or (local.get $l) (local.get $pin)) (i64.const -1))
                (i64.or (i64.shl (local.get $lineOut) (i64.const 1)) (local.get $atLine))))
              ;; Every record start of the block, lowest first. Rows are longer than a block, so
              ;; the first is stored whether or not there is one (the count says) and more loop.
              (i32.store (local.get $out) (i32.sub (i32.add (local.get $i) (i32.wrap_i64 (i64.ctz (local.get $s)))) (local.get $origin)))
              (local.set $out (i32.add (local.get $out) (i32.shl (i64.ne (local.get $s) (i64.const 0)) (i32.const 2))))
              (local.set $s (i64.and (local.get $s) (i64.sub (local.get $s) (i64.const 1))))
              (block $emitted
                (loop $starts
                  (br_if $emitted (i64.eqz (local.get $s)))
                  (i32.store (local.get $out) (i32.sub (i32.add (local.get $i) (i32.wrap_i64 (i64.ctz (local.get $s)))) (local.get $origin)))
                  (local.set $out (i32.add (local.get $out) (i32.const 4)))
                  (local.set $s (i64.and (local.get $s) (i64.sub (local.get $s) (i64.const 1))))
                  (br $starts)))
              (local.set $inQuotes (i64.shr_u (local.get $p) (i64.const 63)))
              (local.set $afterClose (i64.shr_u (local.get $close) (i64.const 63)))
              (local.set $atLine (i64.shr_u (local.get $lineOut) (i64.const 63)))
              (local.set $atField (i64.shr_u (i64.and (local.get $sep) (i64.xor (local.get $pin) (i64.const -1))) (i64.const 63)))
              (local.set $i (i32.add (local.get $i) (i32.const 64)))
              (br $blocks)))
          ;; Back to the state number for the byte rules.
          (local.set $st
            (select (i32.const 3)
              (select (i32.const 4)
                (select (i32.const 0)
                  (select (i32.const 1) (i32.const 2) (i32.wrap_i64 (local.get $atField)))
                  (i32.wrap_i64 (local.get $atLine)))
                (i32.wrap_i64 (local.get $afterClose)))
              (i32.wrap_i64 (local.get $inQuotes)))))
        ;; Byte by byte to the block's end (or the chunk's), jumping with SIMD to the next byte that matters.
        (local.set $lim (select (local.get $n) (i32.add (local.get $i) (i32.const 64)) (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $n))))
        (loop $bytes
          (br_if $main (i32.ge_u (local.get $i) (local.get $lim)))
          ;; Outside quotes, in a field: jump to the next line break or quote.
          (if (i32.or (i32.eq (local.get $st) (i32.const 2)) (i32.eq (local.get $st) (i32.const 1)))
            (then
              (local.set $j (call $nextOuter (local.get $i) (local.get $lim)))
              (if (i32.eq (local.get $j) (local.get $lim))
                (then
                  ;; The window ends inside this record: only whether its last byte ends a field matters.
                  (local.set $st (select (i32.const 1) (i32.const 2)
                    (i32.eq (i32.load8_u (i32.sub (local.get $lim) (i32.const 1))) (local.get $delim))))
                  (local.set $i (local.get $lim))
                  (br $main)))
              (if (i32.eq (i32.load8_u (local.get $j)) (i32.const 34))
                (then
                  ;; A quote opens a field only as its first character; anywhere else it is text.
                  (if (if (result i32) (i32.eq (local.get $j) (local.get $i))
                        (then (i32.eq (local.get $st) (i32.const 1)))
                        (else (i32.eq (i32.load8_u (i32.sub (local.get $j) (i32.const 1))) (local.get $delim))))
                    (then (local.set $st (i32.const 3)) (local.set $quoteAt (i32.sub (local.get $j) (local.get $start))))
                    (else (local.set $st (i32.const 2)))))
                (else (local.set $st (i32.const 0))))
              (local.set $i (i32.add (local.get $j) (i32.const 1)))
              (br $bytes)))
          ;; Inside quotes: jump to the next quote.
          (if (i32.eq (local.get $st) (i32.const 3))
            (then
              (local.set $j (call $nextQuote (local.get $i) (local.get $lim)))
              (if (i32.eq (local.get $j) (local.get $lim)) (then (local.set $i (local.get $lim)) (br $main)))
              (local.set $st (i32.const 4))
              (local.set $i (i32.add (local.get $j) (i32.const 1)))
              (br $bytes)))
          (local.set $c (i32.load8_u (local.get $i)))
          (if (i32.eqz (local.get $st))
            (then
              (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))
                (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $bytes)))
              ;; A record starts here; its first byte is read as the start of its first field.
              (i32.store (local.get $out) (i32.sub (local.get $i) (local.get $origin)))
              (local.set $out (i32.add (local.get $out) (i32.const 4)))
              (local.set $st (i32.const 1))
              (br $bytes)))
          (if (i32.eq (local.get $st) (i32.const 4))
            (then
              (local.set $st
                (if (result i32) (i32.eq (local.get $c) (i32.const 34)) (then (i32.const 3))
                (else (if (result i32) (i32.eq (local.get $c) (local.get $delim)) (then (i32.const 1))
                (else (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))) (then (i32.const 0))
                (else (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))) (then (i32.const 5))
                (else (i32.const 3)))))))))))
            (else
              ;; 5: spaces after a closing quote.
              (if (i32.eq (local.get $c) (local.get $delim)) (then (local.set $st (i32.const 1)))
              (else (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))) (then (local.set $st (i32.const 0)))
              (else (if (i32.eq (local.get $c) (i32.const 34)) (then (local.set $st (i32.const 4)))
              (else (if (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))) (then (local.set $st (i32.const 3))))))))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $bytes))))
    (global.set $state (local.get $st))
    (global.set $quoteOpen (local.get $quoteAt))
    (i32.shr_u (i32.sub (local.get $out) (local.get $outPtr)) (i32.const 2)))

  ;; First LF, CR, quote or delimiter at or after $i, or $n.
  (func $nextEvent (param $i i32) (param $n i32) (param $delim i32) (result i32)
    (local $mask i32) (local $v v128)
    (block $tail
      (loop $blocks
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $mask
          (i8x16.bitmask
            (v128.or
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13))))
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 34))) (i8x16.eq (local.get $v) (i8x16.splat (local.get $delim)))))))
        (if (local.get $mask) (then (return (i32.add (local.get $i) (i32.ctz (local.get $mask))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $mask (i32.load8_u (local.get $i)))
        (if (i32.or
              (i32.or (i32.eq (local.get $mask) (i32.const 10)) (i32.eq (local.get $mask) (i32.const 13)))
              (i32.or (i32.eq (local.get $mask) (i32.const 34)) (i32.eq (local.get $mask) (local.get $delim))))
          (then (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $bytes)))
    (local.get $n))

  ;; Where the first record not finished in the last scanColumn call starts ($n when none).
  (global $tail (export "tail") (mut i32) (i32.const 0))

  ;; Splits the records of [0, $n), which begins at a record start, by the rules of `scan`. For
  ;; each record ended by a line break (or by the end, when $atEnd) it writes three u32: the
  ;; record's start, then the start and end of field $column (-1, -1 when the record is shorter).
  ;; A field that starts with a quote is quoted: its bounds include the quotes and any spaces
  ;; after the closing one. Returns the number of records written; $tail says where to resume.
  (func (export "scanColumn") (param $n i32) (param $delim i32) (param $column i32) (param $outPtr i32) (param $atEnd i32) (result i32)
    (local $i i32) (local $j i32) (local $c i32) (local $st i32) (local $count i32)
    (local $field i32) (local $fieldStart i32) (local $recordStart i32) (local $colStart i32) (local $colEnd i32)
    (local $ends i32)
    (global.set $tail (local.get $n))
    (block $end
      (loop $main
        (if (i32.ge_u (local.get $i) (local.get $n))
          (then
            (br_if $end (i32.eqz (local.get $st)))
            (if (i32.eqz (local.get $atEnd))
              (then (global.set $tail (local.get $recordStart)) (br $end)))
            ;; The file's last record has no line break after it: the end of the data ends it.
            (local.set $j (local.get $n))
            (local.set $ends (i32.const 2))))
        (if (i32.eqz (local.get $ends))
          (then
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.eqz (local.get $st))
              (then
                (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $main)))
                (local.set $recordStart (local.get $i))
                (local.set $fieldStart (local.get $i))
                (local.set $field (i32.const 0))
                (local.set $colStart (i32.const -1))
                (local.set $colEnd (i32.const -1))
                (local.set $st (i32.const 1))))
            (if (i32.eq (local.get $st) (i32.const 3))
              (then
                ;; Inside quotes: jump to the next quote.
                (local.set $j (call $nextQuote (local.get $i) (local.get $n)))
                (if (i32.eq (local.get $j) (local.get $n)) (then (local.set $i (local.get $n)) (br $main)))
                (local.set $st (i32.const 4))
                (local.set $i (i32.add (local.get $j) (i32.const 1)))
                (br $main)))
            (if (i32.or (i32.eq (local.get $st) (i32.const 1)) (i32.eq (local.get $st) (i32.const 2)))
              (then
                ;; In a field, outside quotes: jump to the next line break, quote or delimiter.
                (local.set $j (call $nextEvent (local.get $i) (local.get $n) (local.get $delim)))
                (if (i32.eq (local.get $j) (local.get $n)) (then (local.set $i (local.get $n)) (br $main)))
                (local.set $c (i32.load8_u (local.get $j)))
                (if (i32.eq (local.get $c) (i32.const 34))
                  (then
                    ;; A quote opens a field only as its first character; anywhere else it is text.
                    (local.set $st (select (i32.const 3) (i32.const 2) (i32.eq (local.get $j) (local.get $fieldStart))))
                    (local.set $i (i32.add (local.get $j) (i32.const 1)))
                    (br $main)))
                (local.set $ends (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (local.get $delim)))))
              (else
                (local.set $j (local.get $i))
                (if (i32.eq (local.get $st) (i32.const 4))
                  (then
                    (if (i32.eq (local.get $c) (local.get $delim)) (then (local.set $ends (i32.const 1)))
                    (else (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))) (then (local.set $ends (i32.const 2)))
                    (else (local.set $st
                      (if (result i32) (i32.eq (local.get $c) (i32.const 34)) (then (i32.const 3))
                      (else (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))) (then (i32.const 5))
                      (else (i32.const 3)))))))))))
                  (else
                    ;; 5: spaces after a closing quote.
                    (if (i32.eq (local.get $c) (local.get $delim)) (then (local.set $ends (i32.const 1)))
                    (else (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))) (then (local.set $ends (i32.const 2)))
                    (else (if (i32.eq (local.get $c) (i32.const 34)) (then (local.set $st (i32.const 4)))
                    (else (if (i32.and (i32.ne (local.get $c) (i32.const 32)) (i32.ne (local.get $c) (i32.const 9))) (then (local.set $st (i32.const 3))))))))))))
                (if (i32.eqz (local.get $ends))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $main)))))))
        ;; A field ends at $j: 1 by a delimiter, 2 with its record (line break or end of data).
        (if (i32.eq (local.get $field) (local.get $column))
          (then (local.set $colStart (local.get $fieldStart)) (local.set $colEnd (local.get $j))))
        (local.set $field (i32.add (local.get $field) (i32.const 1)))
        (local.set $fieldStart (i32.add (local.get $j) (i32.const 1)))
        (local.set $i (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (local.get $ends) (i32.const 1))
          (then (local.set $st (i32.const 1)))
          (else
            (i32.store (i32.add (local.get $outPtr) (i32.mul (local.get $count) (i32.const 12))) (local.get $recordStart))
            (i32.store offset=4 (i32.add (local.get $outPtr) (i32.mul (local.get $count) (i32.const 12))) (local.get $colStart))
            (i32.store offset=8 (i32.add (local.get $outPtr) (i32.mul (local.get $count) (i32.const 12))) (local.get $colEnd))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $st (i32.const 0))
            (br_if $end (i32.ge_u (local.get $j) (local.get $n)))))
        (local.set $ends (i32.const 0))
        (br $main)))
    (local.get $count))
)

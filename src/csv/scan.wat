;; The CSV row scanner's hot loop (see scanBytes in rowIndex.ts for the same rules in
;; TypeScript): finds where each record starts in a chunk of single-byte-encoded CSV, 16 bytes at
;; a time. Outside quotes only line breaks and quotes change the state, inside quotes only
;; quotes do, so the loop jumps from one of those bytes to the next with SIMD compares.
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
  ;; starts it wrote. Starts and $quoteOpen are relative to $start, so the chunk can sit in either
  ;; half of a double buffer.
  (func (export "scan") (param $start i32) (param $len i32) (param $delim i32) (param $outPtr i32) (result i32)
    (local $i i32) (local $j i32) (local $c i32) (local $count i32) (local $st i32) (local $n i32)
    (local.set $i (local.get $start))
    (local.set $n (i32.add (local.get $start) (local.get $len)))
    (local.set $st (global.get $state))
    (global.set $quoteOpen (i32.const -1))
    (block $end
      (loop $main
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        ;; Outside quotes, in a field: jump to the next line break or quote.
        (if (i32.or (i32.eq (local.get $st) (i32.const 2)) (i32.eq (local.get $st) (i32.const 1)))
          (then
            (local.set $j (call $nextOuter (local.get $i) (local.get $n)))
            (if (i32.eq (local.get $j) (local.get $n))
              (then
                ;; The chunk ends inside this record: only whether its last byte ends a field matters.
                (local.set $st (select (i32.const 1) (i32.const 2)
                  (i32.eq (i32.load8_u (i32.sub (local.get $n) (i32.const 1))) (local.get $delim))))
                (br $end)))
            (if (i32.eq (i32.load8_u (local.get $j)) (i32.const 34))
              (then
                ;; A quote opens a field only as its first character; anywhere else it is text.
                (if (if (result i32) (i32.eq (local.get $j) (local.get $i))
                      (then (i32.eq (local.get $st) (i32.const 1)))
                      (else (i32.eq (i32.load8_u (i32.sub (local.get $j) (i32.const 1))) (local.get $delim))))
                  (then (local.set $st (i32.const 3)) (global.set $quoteOpen (i32.sub (local.get $j) (local.get $start))))
                  (else (local.set $st (i32.const 2)))))
              (else (local.set $st (i32.const 0))))
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (br $main)))
        ;; Inside quotes: jump to the next quote.
        (if (i32.eq (local.get $st) (i32.const 3))
          (then
            (local.set $j (call $nextQuote (local.get $i) (local.get $n)))
            (br_if $end (i32.eq (local.get $j) (local.get $n)))
            (local.set $st (i32.const 4))
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (br $main)))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eqz (local.get $st))
          (then
            (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $main)))
            ;; A record starts here; its first byte is read as the start of its first field.
            (i32.store (i32.add (local.get $outPtr) (i32.shl (local.get $count) (i32.const 2))) (i32.sub (local.get $i) (local.get $start)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $st (i32.const 1))
            (br $main)))
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
        (br $main)))
    (global.set $state (local.get $st))
    (local.get $count))

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

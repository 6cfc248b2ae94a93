;; The inner kernels of ALS and SGD in WebAssembly with 128-bit SIMD (two doubles at a
;; time, no bounds checks): the Gram matrix of a set of vectors, a Cholesky solve, and an
;; SGD epoch.
;; Compiled into kernelsWasm.ts (base64); the command is at the top of that file.
(module
  (memory (export "memory") 1)

  ;; G[a][b] = x_a . x_b for the n vectors x_a at x + a * len * 8, in 2 x 2 blocks with
  ;; b <= a + 1 (the lower triangle and the first superdiagonal). n and len must be even;
  ;; G is n x n, row-major.
  (func (export "gram") (param $x i32) (param $n i32) (param $len i32) (param $g i32)
    (local $a i32) (local $b i32) (local $t i32) (local $rowBytes i32) (local $gRow i32)
    (local $pa i32) (local $pa1 i32) (local $pb i32) (local $pb1 i32) (local $ga i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $xa v128) (local $xa1 v128) (local $xb v128) (local $xb1 v128)
    (local.set $rowBytes (i32.shl (local.get $len) (i32.const 3)))
    (local.set $gRow (i32.shl (local.get $n) (i32.const 3)))
    (local.set $a (i32.const 0))
    (block $doneA
      (loop $loopA
        (br_if $doneA (i32.ge_u (local.get $a) (local.get $n)))
        (local.set $pa (i32.add (local.get $x) (i32.mul (local.get $a) (local.get $rowBytes))))
        (local.set $pa1 (i32.add (local.get $pa) (local.get $rowBytes)))
        (local.set $b (i32.const 0))
        (block $doneB
          (loop $loopB
            (br_if $doneB (i32.gt_u (local.get $b) (local.get $a)))
            (local.set $pb (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $rowBytes))))
            (local.set $pb1 (i32.add (local.get $pb) (local.get $rowBytes)))
            (local.set $s00 (v128.const f64x2 0 0))
            (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0))
            (local.set $s11 (v128.const f64x2 0 0))
            (local.set $t (i32.const 0))
            (loop $loopT
              (local.set $xa (v128.load (i32.add (local.get $pa) (local.get $t))))
              (local.set $xa1 (v128.load (i32.add (local.get $pa1) (local.get $t))))
              (local.set $xb (v128.load (i32.add (local.get $pb) (local.get $t))))
              (local.set $xb1 (v128.load (i32.add (local.get $pb1) (local.get $t))))
              (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $xa) (local.get $xb))))
              (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $xa) (local.get $xb1))))
              (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $xa1) (local.get $xb))))
              (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $xa1) (local.get $xb1))))
              (local.set $t (i32.add (local.get $t) (i32.const 16)))
              (br_if $loopT (i32.lt_u (local.get $t) (local.get $rowBytes))))
            (local.set $ga (i32.add (local.get $g)
              (i32.shl (i32.add (i32.mul (local.get $a) (local.get $n)) (local.get $b)) (i32.const 3))))
            (f64.store (local.get $ga) (call $sum (local.get $s00)))
            (f64.store offset=8 (local.get $ga) (call $sum (local.get $s01)))
            (f64.store (i32.add (local.get $ga) (local.get $gRow)) (call $sum (local.get $s10)))
            (f64.store offset=8 (i32.add (local.get $ga) (local.get $gRow)) (call $sum (local.get $s11)))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $loopB)))
        (local.set $a (i32.add (local.get $a) (i32.const 2)))
        (br $loopA))))

  (func $sum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; p[0 ..] . q[0 ..] over count doubles (addresses in bytes, 8-aligned).
  (func $dot (param $p i32) (param $q i32) (param $count i32) (result f64)
    (local $s v128) (local $t i32) (local $bytes i32) (local $pairs i32) (local $r f64)
    (local.set $s (v128.const f64x2 0 0))
    (local.set $bytes (i32.shl (local.get $count) (i32.const 3)))
    (local.set $pairs (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $t (i32.const 0))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $t) (local.get $pairs)))
        (local.set $s (f64x2.add (local.get $s)
          (f64x2.mul (v128.load (i32.add (local.get $p) (local.get $t)))
                     (v128.load (i32.add (local.get $q) (local.get $t))))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $loop)))
    (local.set $r (call $sum (local.get $s)))
    (if (i32.lt_u (local.get $pairs) (local.get $bytes))
      (then (local.set $r (f64.add (local.get $r)
        (f64.mul (f64.load (i32.add (local.get $p) (local.get $pairs)))
                 (f64.load (i32.add (local.get $q) (local.get $pairs))))))))
    (local.get $r))

  ;; Solves A x = b in place for symmetric positive definite A (n x n in the lower triangle,
  ;; rows `stride` doubles apart); A becomes its Cholesky factor L, b becomes x.
  ;; Returns 0 when a pivot is not positive (A not positive definite), else 1.
  (func (export "choleskySolve") (param $g i32) (param $n i32) (param $stride i32) (param $bv i32)
    (result i32)
    (local $i i32) (local $j i32) (local $ri i32) (local $rj i32) (local $rowBytes i32)
    (local $s f64)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    ;; 1. A = L L^T, row by row.
    (local.set $i (i32.const 0))
    (block $doneI
      (loop $loopI
        (br_if $doneI (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $doneJ
          (loop $loopJ
            (br_if $doneJ (i32.gt_u (local.get $j) (local.get $i)))
            (local.set $rj (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $rowBytes))))
            (local.set $s (f64.sub
              (f64.load (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
              (call $dot (local.get $ri) (local.get $rj) (local.get $j))))
            (if (i32.lt_u (local.get $j) (local.get $i))
              (then
                (f64.store (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3)))
                  (f64.div (local.get $s)
                    (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3)))))))
              (else
                (if (i32.eqz (f64.gt (local.get $s) (f64.const 0))) (then (return (i32.const 0))))
                (f64.store (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3)))
                  (f64.sqrt (local.get $s)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $loopJ)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loopI)))
    ;; 2. L y = b.
    (local.set $i (i32.const 0))
    (block $doneF
      (loop $loopF
        (br_if $doneF (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $rowBytes))))
        (f64.store (i32.add (local.get $bv) (i32.shl (local.get $i) (i32.const 3)))
          (f64.div
            (f64.sub (f64.load (i32.add (local.get $bv) (i32.shl (local.get $i) (i32.const 3))))
                     (call $dot (local.get $ri) (local.get $bv) (local.get $i)))
            (f64.load (i32.add (local.get $ri) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loopF)))
    ;; 3. L^T x = y, from the last row up.
    (local.set $i (local.get $n))
    (block $doneB
      (loop $loopB
        (br_if $doneB (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (local.set $s (f64.load (i32.add (local.get $bv) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $j (i32.add (local.get $i) (i32.const 1)))
        (block $doneJ2
          (loop $loopJ2
            (br_if $doneJ2 (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $s (f64.sub (local.get $s)
              (f64.mul
                (f64.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $rowBytes)))
                                   (i32.shl (local.get $i) (i32.const 3))))
                (f64.load (i32.add (local.get $bv) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $loopJ2)))
        (f64.store (i32.add (local.get $bv) (i32.shl (local.get $i) (i32.const 3)))
          (f64.div (local.get $s)
            (f64.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $rowBytes)))
                               (i32.shl (local.get $i) (i32.const 3))))))
        (br $loopB)))
    (i32.const 1))

  ;; One SGD epoch over the entries in `order` (count of them): for each entry e, with
  ;; error r_e - q_u . p_i, q_u <- decay q_u + step p_i, then p_i <- decay p_i + step q_u,
  ;; where step = rate * error. Q and P rows are kPad doubles (kPad even); rows and cols are
  ;; int32 arrays, values float64, order int32 (all byte addresses).
  (func (export "sgdEpoch") (param $q i32) (param $p i32) (param $rows i32) (param $cols i32)
    (param $values i32) (param $order i32) (param $count i32) (param $kPad i32)
    (param $rate f64) (param $decay f64)
    (local $o i32) (local $e i32) (local $qo i32) (local $po i32) (local $t i32)
    (local $bytes i32) (local $s v128) (local $step v128) (local $d v128)
    (local $pv v128) (local $qv v128)
    (local.set $bytes (i32.shl (local.get $kPad) (i32.const 3)))
    (local.set $d (f64x2.splat (local.get $decay)))
    (local.set $o (i32.const 0))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_u (local.get $o) (local.get $count)))
        (local.set $e (i32.load (i32.add (local.get $order) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $qo (i32.add (local.get $q)
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $e) (i32.const 2))))
                   (local.get $bytes))))
        (local.set $po (i32.add (local.get $p)
          (i32.mul (i32.load (i32.add (local.get $cols) (i32.shl (local.get $e) (i32.const 2))))
                   (local.get $bytes))))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $t (i32.const 0))
        (loop $dot
          (local.set $s (f64x2.add (local.get $s)
            (f64x2.mul (v128.load (i32.add (local.get $qo) (local.get $t)))
                       (v128.load (i32.add (local.get $po) (local.get $t))))))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br_if $dot (i32.lt_u (local.get $t) (local.get $bytes))))
        (local.set $step (f64x2.splat (f64.mul (local.get $rate)
          (f64.sub (f64.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 3))))
                   (call $sum (local.get $s))))))
        (local.set $t (i32.const 0))
        (loop $update
          (local.set $pv (v128.load (i32.add (local.get $po) (local.get $t))))
          (local.set $qv (f64x2.add
            (f64x2.mul (local.get $d) (v128.load (i32.add (local.get $qo) (local.get $t))))
            (f64x2.mul (local.get $step) (local.get $pv))))
          (v128.store (i32.add (local.get $qo) (local.get $t)) (local.get $qv))
          (v128.store (i32.add (local.get $po) (local.get $t))
            (f64x2.add (f64x2.mul (local.get $d) (local.get $pv))
                       (f64x2.mul (local.get $step) (local.get $qv))))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br_if $update (i32.lt_u (local.get $t) (local.get $bytes))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $entries))))
)

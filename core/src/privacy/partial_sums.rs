//! The long sums of Pitman's likelihood equations in `O(1)` instead of one
//! term at a time.
//!
//! Pitman's equations (see [`super::population`]) add, for `i = 1 ..= m`,
//! the five terms `1/(x+i)`, `1/(x+i)²`, `i/(x+i)`, `i/(x+i)²` and
//! `i²/(x+i)²`, with `m` the number of classes or of records less one: two
//! million terms an evaluation on a million-row file, and the solver may
//! evaluate them dozens of times. For `x ≥ 0` every term is a smooth,
//! positive function of `i`, so the Euler–Maclaurin formula gives the sums
//! to the last bits: the first `HEAD - 1` terms added one by one, then the
//! integral from `HEAD` to `m`, half of the end terms and eight Bernoulli
//! corrections, whose remainder is below `10⁻²⁰` of the first term left
//! out. The integrals are written as sums of non-negative parts (see
//! [`integrals`]), so no subtraction cancels digits, and so are the
//! derivatives but for a factor `(r-1)x - 2i` or `i - rx` that is small only
//! near one point, where its term is negligible anyway.
//!
//! The result differs from the term-by-term sum only by rounding (it is
//! usually the more accurate of the two: the loop's rounding errors grow
//! with `m`); the tests bound the difference.

/// Terms added one by one before the Euler–Maclaurin tail.
const HEAD: u32 = 16;

/// `B_2j / 2j` for `j = 1 ..= 8` (Bernoulli numbers `B_2 = 1/6, B_4 = -1/30,
/// ..., B_16 = -3617/510`).
const BERNOULLI_OVER_2J: [f64; 8] =
    [1.0 / 12.0, -1.0 / 120.0, 1.0 / 252.0, -1.0 / 240.0, 1.0 / 132.0, -691.0 / 32760.0, 1.0 / 12.0, -3617.0 / 8160.0];

/// The five sums over `i = 1 ..= m`, for `x ≥ 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sums {
    /// `Σ 1/(x+i)`
    pub(super) inv: f64,
    /// `Σ 1/(x+i)²`
    pub(super) inv2: f64,
    /// `Σ i/(x+i)`
    pub(super) i_inv: f64,
    /// `Σ i/(x+i)²`
    pub(super) i_inv2: f64,
    /// `Σ i²/(x+i)²`
    pub(super) i2_inv2: f64,
}

/// The fewest terms for which [`sums`] uses the Euler–Maclaurin tail (below,
/// it adds every term).
pub(super) const SHORTEST_TAIL: u64 = 64;

/// The five sums over `i = 1 ..= m`, for a finite `x ≥ 0` (`None` otherwise).
pub(super) fn sums(x: f64, m: u64) -> Option<Sums> {
    if !(x.is_finite() && x >= 0.0) {
        return None;
    }
    let mut s = Sums { inv: 0.0, inv2: 0.0, i_inv: 0.0, i_inv2: 0.0, i2_inv2: 0.0 };
    let head = if m < SHORTEST_TAIL { m } else { u64::from(HEAD) - 1 };
    // The head, smallest terms last is not needed: these are the largest.
    for i in 1..=head {
        let fi = i as f64;
        let r = 1.0 / (x + fi);
        s.inv += r;
        s.inv2 += r * r;
        s.i_inv += fi * r;
        s.i_inv2 += fi * r * r;
        s.i2_inv2 += fi * fi * r * r;
    }
    if head == m {
        return Some(s);
    }
    let k = f64::from(HEAD);
    let last = m as f64;
    let tail = tail(x, k, last);
    s.inv += tail.inv;
    s.inv2 += tail.inv2;
    s.i_inv += tail.i_inv;
    s.i_inv2 += tail.i_inv2;
    s.i2_inv2 += tail.i2_inv2;
    Some(s)
}

/// `Σ_{i=k}^{m}` of the five terms by Euler–Maclaurin.
fn tail(x: f64, k: f64, m: f64) -> Sums {
    let mut s = integrals(x, k, m);
    // Half of each end's terms.
    for (i, sign) in [(k, 0.5), (m, 0.5)] {
        let r = 1.0 / (x + i);
        s.inv += sign * r;
        s.inv2 += sign * r * r;
        s.i_inv += sign * i * r;
        s.i_inv2 += sign * i * r * r;
        s.i2_inv2 += sign * i * i * r * r;
    }
    // Σ_j B_2j/(2j)! (f^(2j-1)(m) - f^(2j-1)(k)), with f^(r)/r! for odd r:
    //   1/(x+i):    -1/(x+i)^(r+1)
    //   1/(x+i)²:   -(r+1)/(x+i)^(r+2)
    //   i/(x+i):    x/(x+i)^(r+1)
    //   i/(x+i)²:   -(i - r x)/(x+i)^(r+2)
    //   i²/(x+i)²:  -x((r-1)x - 2i)/(x+i)^(r+2)
    // and B_2j/(2j)! · r! = B_2j/2j.
    let derivatives = |i: f64| {
        let r1 = 1.0 / (x + i);
        let mut power = r1 * r1; // 1/(x+i)^(r+1) for r = 1
        let mut d = [0.0; 5];
        for (j, c) in BERNOULLI_OVER_2J.iter().enumerate() {
            let r = (2 * j + 1) as f64;
            let next = power * r1; // 1/(x+i)^(r+2)
            d[0] -= c * power;
            d[1] -= c * (r + 1.0) * next;
            d[2] += c * x * power;
            d[3] -= c * (i - r * x) * next;
            d[4] -= c * x * ((r - 1.0) * x - 2.0 * i) * next;
            power = next * r1;
        }
        d
    };
    let (at_m, at_k) = (derivatives(m), derivatives(k));
    s.inv += at_m[0] - at_k[0];
    s.inv2 += at_m[1] - at_k[1];
    s.i_inv += at_m[2] - at_k[2];
    s.i_inv2 += at_m[3] - at_k[3];
    s.i2_inv2 += at_m[4] - at_k[4];
    s
}

/// `∫_k^m` of the five terms, each as a sum of non-negative parts.
///
/// With `A = x + k`, `y = (m - k)/A`, `κ = k/A` and `w = (i - k)/A`, so that
/// `x + i = A(1 + w)` and `i = A(κ + w)`:
/// - `∫ 1/(x+i) = ln(1+y)`,
/// - `∫ 1/(x+i)² = (1/A) · y/(1+y)`,
/// - `∫ i/(x+i) = A (κ ln(1+y) + λ)`, `λ = y - ln(1+y)`,
/// - `∫ i/(x+i)² = κ y/(1+y) + μ`, `μ = ln(1+y) - y/(1+y)`,
/// - `∫ i²/(x+i)² = A (κ² y/(1+y) + 2κ μ + ρ)`, `ρ = y - 2 ln(1+y) + y/(1+y)`,
///
/// where `λ`, `μ`, `ρ` (the integrals from 0 to `y` of `w/(1+w)`,
/// `w/(1+w)²` and `w²/(1+w)²`) come from series for small `y` (see [`small_parts`]).
fn integrals(x: f64, k: f64, m: f64) -> Sums {
    let a = x + k;
    let y = (m - k) / a;
    let kappa = k / a;
    let log = libm::log1p(y);
    let frac = y / (1.0 + y);
    let (lambda, mu, rho) = small_parts(y, log, frac);
    Sums {
        inv: log,
        inv2: frac / a,
        i_inv: a * (kappa * log + lambda),
        i_inv2: kappa * frac + mu,
        i2_inv2: a * (kappa * kappa * frac + 2.0 * kappa * mu + rho),
    }
}

/// `λ = y - ln(1+y)`, `μ = ln(1+y) - y/(1+y)` and `ρ = y - 2 ln(1+y) + y/(1+y)`,
/// all `≥ 0`: below `y = 3/4` (where the differences would cancel) from
/// `ln(1+y) = 2 atanh(v)`, `v = y/(2+y)`, as sums of non-negative terms:
///   `λ = y²/(2+y) - 2 Σ_{k≥1} v^(2k+1)/(2k+1)`,
///   `μ = y²/((2+y)(1+y)) + 2 Σ_{k≥1} v^(2k+1)/(2k+1)`,
///   `ρ = λ - μ = y³/((2+y)(1+y)) - 4 Σ_{k≥1} v^(2k+1)/(2k+1)`,
/// whose series' first term is at most a third of the leading one (no
/// cancelling digits) and converges as `v² < 0.075`: 15 terms; directly
/// above (`log` is `ln(1+y)`, `frac` is `y/(1+y)`).
fn small_parts(y: f64, log: f64, frac: f64) -> (f64, f64, f64) {
    if y >= 0.75 {
        return (y - log, log - frac, (y - log) - (log - frac));
    }
    let v = y / (2.0 + y);
    let v2 = v * v;
    // Σ_{k≥1} v^(2k+1)/(2k+1), the smallest terms first.
    let mut powers = [0.0f64; 24];
    let (mut last, mut p) = (1, v * v2);
    while last < powers.len() - 1 {
        powers[last] = p;
        if p <= 1e-18 * v * v2 {
            break;
        }
        p *= v2;
        last += 1;
    }
    let mut series = 0.0;
    for k in (1..=last).rev() {
        series += powers[k] / (2 * k + 1) as f64;
    }
    let (two_y, one_y) = (2.0 + y, 1.0 + y);
    let y2 = y * y;
    (y2 / two_y - 2.0 * series, y2 / (two_y * one_y) + 2.0 * series, y2 * y / (two_y * one_y) - 4.0 * series)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five sums term by term, each with Kahan–Babuška–Neumaier
    /// compensation, smallest terms first: a reference accurate to about
    /// one rounding.
    fn reference(x: f64, m: u64) -> [f64; 5] {
        let mut sum = [0.0f64; 5];
        let mut carry = [0.0f64; 5];
        for i in (1..=m).rev() {
            let fi = i as f64;
            let r = 1.0 / (x + fi);
            let terms = [r, r * r, fi / (x + fi), fi / ((x + fi) * (x + fi)), (fi / (x + fi)) * (fi / (x + fi))];
            for j in 0..5 {
                let t = sum[j] + terms[j];
                if sum[j].abs() >= terms[j].abs() {
                    carry[j] += (sum[j] - t) + terms[j];
                } else {
                    carry[j] += (terms[j] - t) + sum[j];
                }
                sum[j] = t;
            }
        }
        [0, 1, 2, 3, 4].map(|j| sum[j] + carry[j])
    }

    fn as_array(s: Sums) -> [f64; 5] {
        [s.inv, s.inv2, s.i_inv, s.i_inv2, s.i2_inv2]
    }

    #[test]
    fn agree_with_compensated_sums() {
        let xs = [0.0, 1e-9, 0.3, 1.0, 7.5, 15.9, 16.0, 99.0, 1234.5, 1e5, 3e6, 1e9, 1e13];
        let ms = [1, 2, 15, 16, 63, 64, 65, 100, 1000, 12_345, 300_000];
        let mut worst = 0.0f64;
        for &x in &xs {
            for &m in &ms {
                let fast = as_array(sums(x, m).unwrap());
                let slow = reference(x, m);
                for j in 0..5 {
                    let error = ((fast[j] - slow[j]) / slow[j]).abs();
                    worst = worst.max(error);
                    assert!(error < 4e-15, "x {x}, m {m}, sum {j}: {} against {} ({error:e})", fast[j], slow[j]);
                }
            }
        }
        assert!(worst > 0.0, "the comparison compared something");
        eprintln!("worst relative difference {worst:e}");
    }

    #[test]
    fn short_sums_are_the_loop() {
        // Below SHORTEST_TAIL every term is added: the bits of a plain loop.
        let s = sums(2.5, 10).unwrap();
        let plain: f64 = (1..=10).map(|i| 1.0 / (2.5 + f64::from(i))).sum();
        assert_eq!(s.inv.to_bits(), plain.to_bits());
    }

    #[test]
    fn outside_the_domain_is_none() {
        assert!(sums(-0.5, 1000).is_none());
        assert!(sums(f64::NAN, 1000).is_none());
        assert!(sums(f64::INFINITY, 1000).is_none());
    }

    #[test]
    fn small_parts_series_and_direct_agree_near_the_switch() {
        for y in [0.6, 0.7, 0.7499] {
            let (log, frac) = (libm::log1p(y), y / (1.0 + y));
            let series = small_parts(y, log, frac);
            let direct = (y - log, log - frac, (y - log) - (log - frac));
            // The direct forms lose a digit or two here: the series is the reference.
            assert!((series.0 - direct.0).abs() < 1e-15, "{y}");
            assert!((series.1 - direct.1).abs() < 1e-15, "{y}");
            assert!((series.2 - direct.2).abs() < 1e-15, "{y}");
        }
    }
}

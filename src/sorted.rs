//! Walks over sorted slices.

/// Puts `new` in place of the items of `list` whose `key` is `k`, in a list
/// sorted by `key` (the run is empty when none has it; `new` holds only `k`).
pub fn replace_run<T, K: Ord>(
    list: &mut Vec<T>,
    key: impl Fn(&T) -> K,
    k: K,
    new: impl IntoIterator<Item = T>,
) {
    let from = list.partition_point(|t| key(t) < k);
    let to = from + list[from..].partition_point(|t| key(t) == k);
    list.splice(from..to, new);
}

/// The items two sorted slices without repeats have in common, in order.
pub fn common<'a, T: Ord + Copy>(a: &'a [T], b: &'a [T]) -> impl Iterator<Item = T> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    return Some(a[i - 1]);
                }
            }
        }
        None
    })
}

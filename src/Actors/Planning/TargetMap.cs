using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// One listener's targets by key, as an array sorted by key: the planner keeps one for every listener of every Service
/// (desired and applied), so it holds one reference per target, where an immutable dictionary's tree held about
/// 60 bytes of nodes per entry. Enumerates in key order. Immutable: a change returns a new map. Equality is by
/// reference, as the dictionary's was. Persisted as a JSON object by target key (<c>TargetMapJsonConverter</c>).
/// </summary>
public sealed class TargetMap<T> : IReadOnlyDictionary<TargetKey, T>
    where T : class, IKeyedByTarget
{
    private static readonly Comparison<T> ByKey = (a, b) => a.Key.CompareTo(b.Key);

    private readonly T[] _items;

    private TargetMap(T[] items) => _items = items;

    public static TargetMap<T> Empty { get; } = new([]);

    public int Count => _items.Length;

    public bool IsEmpty => _items.Length == 0;

    /// <summary>The values in key order.</summary>
    public ImmutableArray<T> Values => ImmutableCollectionsMarshal.AsImmutableArray(_items);

    public IEnumerable<TargetKey> Keys => _items.Select(item => item.Key);

    IEnumerable<T> IReadOnlyDictionary<TargetKey, T>.Values => Values;

    public T this[TargetKey key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no target {key}");

    /// <summary>A map of the given values; two values with one key are a caller's mistake, as they were for a dictionary.</summary>
    public static TargetMap<T> From(IEnumerable<T> values)
    {
        var items = values.ToArray();
        if (items.Length == 0)
        {
            return Empty;
        }

        Array.Sort(items, ByKey);
        for (var i = 1; i < items.Length; i++)
        {
            if (items[i - 1].Key == items[i].Key)
            {
                throw new ArgumentException($"target {items[i].Key} is given twice", nameof(values));
            }
        }

        return new TargetMap<T>(items);
    }

    /// <summary>This map without <paramref name="removals"/> and with <paramref name="upserts"/> (an upsert wins over a removal of its key).</summary>
    public TargetMap<T> With(IReadOnlySet<TargetKey> removals, IEnumerable<T> upserts)
    {
        var upserted = new Dictionary<TargetKey, T>();
        foreach (var upsert in upserts)
        {
            upserted[upsert.Key] = upsert;
        }

        if (upserted.Count == 0 && !removals.Any(ContainsKey))
        {
            return this;
        }

        return From(_items.Where(item => !removals.Contains(item.Key) && !upserted.ContainsKey(item.Key)).Concat(upserted.Values));
    }

    public bool ContainsKey(TargetKey key) => IndexOf(key) >= 0;

    public bool TryGetValue(TargetKey key, [MaybeNullWhen(false)] out T value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _items[index] : null;
        return index >= 0;
    }

    public T? GetValueOrDefault(TargetKey key) => TryGetValue(key, out var value) ? value : null;

    public IEnumerator<KeyValuePair<TargetKey, T>> GetEnumerator()
    {
        foreach (var item in _items)
        {
            yield return new KeyValuePair<TargetKey, T>(item.Key, item);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(TargetKey key)
    {
        var low = 0;
        var high = _items.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = _items[middle].Key.CompareTo(key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}

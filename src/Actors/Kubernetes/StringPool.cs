using System.Diagnostics.CodeAnalysis;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// One copy of each value that many objects repeat (a namespace, a protocol, an IP family, a node's name, a port's
/// name), so that the views an informer keeps share it instead of each holding the copy the JSON reader made for its
/// object: at 10,000 Services these were a quarter of a million strings in the host's oldest generation. Only for
/// values of few distinct kinds; never for names and addresses, which are unique. Bounded: once it holds
/// <paramref name="capacity"/> values it keeps those and returns new ones as they are. Not thread-safe: one per
/// informer, whose reads are sequential.
/// </summary>
public sealed class StringPool(int capacity = StringPool.DefaultCapacity)
{
    /// <summary>Room for the namespaces and nodes of a large cluster (~1 MiB when full).</summary>
    public const int DefaultCapacity = 16_384;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    [return: NotNullIfNotNull(nameof(value))]
    public string? Get(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_values.TryGetValue(value, out var known))
        {
            return known;
        }

        if (_values.Count < capacity)
        {
            _values.Add(value, value);
        }

        return value;
    }
}

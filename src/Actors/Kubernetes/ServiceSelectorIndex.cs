using System.Collections.Immutable;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// The label selectors of the Services whose pods take DirectLB's readiness gate, by namespace: what the admission
/// webhook asks to find the Services a new pod will back. A Service selects a pod when every key of its selector
/// is among the pod's labels with the same value; a Service with no selector selects no pod (its endpoints are
/// managed by hand, so no gate could ever open for it).
/// </summary>
public sealed class ServiceSelectorIndex
{
    private readonly Dictionary<string, Dictionary<string, ImmutableSortedDictionary<string, string>>> _byNamespace = new(StringComparer.Ordinal);

    public int Count => _byNamespace.Values.Sum(services => services.Count);

    /// <summary>Keeps the Service's selector, or forgets the Service when it has none (or is no longer one of DirectLB's).</summary>
    public void Set(string ns, string name, IReadOnlyDictionary<string, string>? selector)
    {
        if (selector is null || selector.Count == 0)
        {
            Remove(ns, name);
            return;
        }

        if (!_byNamespace.TryGetValue(ns, out var services))
        {
            services = new Dictionary<string, ImmutableSortedDictionary<string, string>>(StringComparer.Ordinal);
            _byNamespace[ns] = services;
        }

        services[name] = selector.ToImmutableSortedDictionary(StringComparer.Ordinal, StringComparer.Ordinal);
    }

    public void Remove(string ns, string name)
    {
        if (_byNamespace.TryGetValue(ns, out var services) && services.Remove(name) && services.Count == 0)
        {
            _byNamespace.Remove(ns);
        }
    }

    /// <summary>The names of the Services in <paramref name="ns"/> that select a pod with these labels, sorted.</summary>
    public ImmutableArray<string> Selecting(string ns, IReadOnlyDictionary<string, string> labels) =>
        _byNamespace.TryGetValue(ns, out var services)
            ? [.. services
                .Where(service => service.Value.All(term => labels.TryGetValue(term.Key, out var value) && value == term.Value))
                .Select(service => service.Key)
                .Order(StringComparer.Ordinal)]
            : [];
}

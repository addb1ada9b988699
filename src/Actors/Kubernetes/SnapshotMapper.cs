using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// Turns Kubernetes client objects into DirectLB's own snapshots; Kubernetes types stop here. One per informer: the
/// values its objects repeat (namespaces, protocols, IP families, node names, ...) are kept once, in its
/// <see cref="StringPool"/>, so it is used from one informer's reads at a time.
/// </summary>
public sealed class SnapshotMapper
{
    /// <summary>The label the EndpointSlice controller puts on every slice of a Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly StringPool _strings = new();

    public ServiceKey KeyOf(V1Service service) => new(_strings.Get(service.Metadata.NamespaceProperty), service.Metadata.Name);

    /// <summary>The Service a slice belongs to, or null for a slice no Service owns.</summary>
    public ServiceKey? OwnerOf(V1EndpointSlice slice) =>
        slice.Metadata.Labels?.TryGetValue(ServiceNameLabel, out var name) == true && !string.IsNullOrEmpty(name)
            ? new ServiceKey(_strings.Get(slice.Metadata.NamespaceProperty), name)
            : null;

    /// <summary>What the watcher keeps of a Service: built once per watch event, the client's object is not kept.</summary>
    public WatchedService ToWatched(V1Service service) => new(
        KeyOf(service),
        ToSnapshot(service),
        service.Spec?.Selector is { Count: > 0 } selector
            ? selector.ToImmutableSortedDictionary(s => _strings.Get(s.Key), s => s.Value, StringComparer.Ordinal, StringComparer.Ordinal)
            : null);

    /// <summary>What the watcher keeps of an EndpointSlice, or null for a slice no Service owns (nothing to keep).</summary>
    public WatchedSlice? ToWatched(V1EndpointSlice slice) =>
        OwnerOf(slice) is { } owner ? new WatchedSlice(owner, ToSnapshot(slice)) : null;

    public ServiceSnapshot ToSnapshot(V1Service service)
    {
        var meta = service.Metadata;
        var annotations = (meta.Annotations ?? new Dictionary<string, string>())
            .Where(a => a.Key.StartsWith(ServiceAnnotations.Prefix, StringComparison.Ordinal) || a.Key == SourceRangesField.Annotation)
            .ToImmutableSortedDictionary(a => _strings.Get(a.Key), a => a.Value, StringComparer.Ordinal);
        var ports = (service.Spec?.Ports ?? [])
            .Select(p => new ServicePortSnapshot(_strings.Get(p.Name ?? ""), _strings.Get(p.Protocol ?? "TCP"), p.Port))
            .ToImmutableArray();
        var published = (service.Status?.LoadBalancer?.Ingress ?? []).Where(i => (i.Ip ?? i.Hostname) is not null).ToList();
        var ingress = published.Select(i => (i.Ip ?? i.Hostname)!).ToImmutableArray();
        return new ServiceSnapshot(
            meta.Uid ?? "",
            meta.ResourceVersion ?? "",
            meta.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : DateTimeOffset.MinValue,
            _strings.Get(service.Spec?.Type ?? "ClusterIP"),
            _strings.Get(service.Spec?.LoadBalancerClass),
            ports,
            annotations,
            [.. service.Spec?.LoadBalancerSourceRanges ?? []],
            meta.Finalizers?.Contains(ServiceClassFilter.Finalizer) == true,
            meta.DeletionTimestamp is not null,
            ingress)
        {
            SessionAffinity = _strings.Get(service.Spec?.SessionAffinity ?? "None"),
            AffinityTimeoutSeconds = service.Spec?.SessionAffinityConfig?.ClientIP?.TimeoutSeconds,
            LoadBalancerIP = service.Spec?.LoadBalancerIP,
            IpFamilies = [.. (service.Spec?.IpFamilies ?? []).Select(f => _strings.Get(f))],
            IpFamilyPolicy = _strings.Get(service.Spec?.IpFamilyPolicy),
            IngressIpModes = [.. published.Select(i => _strings.Get(i.IpMode ?? ""))],
            Finalizers = [.. (meta.Finalizers ?? []).Select(f => _strings.Get(f))],
        };
    }

    public EndpointSliceSnapshot ToSnapshot(V1EndpointSlice slice) => new(
        slice.Metadata.Name,
        _strings.Get(slice.AddressType ?? ""),
        [.. (slice.Ports ?? []).Where(p => p.Port is not null).Select(p => new EndpointPortSnapshot(_strings.Get(p.Name ?? ""), _strings.Get(p.Protocol ?? "TCP"), p.Port!.Value))],
        [.. (slice.Endpoints ?? []).Select(ToSnapshot)]);

    /// <summary>Applies the API's defaults: absent ready or serving means true, absent terminating false.</summary>
    private EndpointSnapshot ToSnapshot(V1Endpoint endpoint)
    {
        var conditions = endpoint.Conditions;
        var ready = conditions?.Ready ?? true;
        return new EndpointSnapshot(
            [.. endpoint.Addresses ?? []],
            ready,
            conditions?.Serving ?? ready,
            conditions?.Terminating ?? false,
            endpoint.TargetRef?.Name,
            _strings.Get(endpoint.NodeName));
    }
}

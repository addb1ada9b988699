using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Planning;
using k8s.Models;

namespace DirectLB.Actors.Kubernetes;

/// <summary>Turns Kubernetes client objects into DirectLB's own snapshots; Kubernetes types stop here.</summary>
public static class SnapshotMapper
{
    /// <summary>The label the EndpointSlice controller puts on every slice of a Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public static ServiceKey KeyOf(V1Service service) => new(service.Metadata.NamespaceProperty, service.Metadata.Name);

    /// <summary>The Service a slice belongs to, or null for a slice no Service owns.</summary>
    public static ServiceKey? OwnerOf(V1EndpointSlice slice) =>
        slice.Metadata.Labels?.TryGetValue(ServiceNameLabel, out var name) == true && !string.IsNullOrEmpty(name)
            ? new ServiceKey(slice.Metadata.NamespaceProperty, name)
            : null;

    /// <summary>What the watcher keeps of a Service: built once per watch event, the client's object is not kept.</summary>
    public static WatchedService ToWatched(V1Service service) => new(
        KeyOf(service),
        ToSnapshot(service),
        service.Spec?.Selector is { Count: > 0 } selector ? selector.ToImmutableSortedDictionary(StringComparer.Ordinal, StringComparer.Ordinal) : null);

    /// <summary>What the watcher keeps of an EndpointSlice, or null for a slice no Service owns (nothing to keep).</summary>
    public static WatchedSlice? ToWatched(V1EndpointSlice slice) =>
        OwnerOf(slice) is { } owner ? new WatchedSlice(owner, ToSnapshot(slice)) : null;

    public static ServiceSnapshot ToSnapshot(V1Service service)
    {
        var meta = service.Metadata;
        var annotations = (meta.Annotations ?? new Dictionary<string, string>())
            .Where(a => a.Key.StartsWith(ServiceAnnotations.Prefix, StringComparison.Ordinal) || a.Key == SourceRangesField.Annotation)
            .ToImmutableSortedDictionary(StringComparer.Ordinal);
        var ports = (service.Spec?.Ports ?? [])
            .Select(p => new ServicePortSnapshot(p.Name ?? "", p.Protocol ?? "TCP", p.Port))
            .ToImmutableArray();
        var published = (service.Status?.LoadBalancer?.Ingress ?? []).Where(i => (i.Ip ?? i.Hostname) is not null).ToList();
        var ingress = published.Select(i => (i.Ip ?? i.Hostname)!).ToImmutableArray();
        return new ServiceSnapshot(
            meta.Uid ?? "",
            meta.ResourceVersion ?? "",
            meta.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : DateTimeOffset.MinValue,
            service.Spec?.Type ?? "ClusterIP",
            service.Spec?.LoadBalancerClass,
            ports,
            annotations,
            [.. service.Spec?.LoadBalancerSourceRanges ?? []],
            meta.Finalizers?.Contains(ServiceClassFilter.Finalizer) == true,
            meta.DeletionTimestamp is not null,
            ingress)
        {
            SessionAffinity = service.Spec?.SessionAffinity ?? "None",
            AffinityTimeoutSeconds = service.Spec?.SessionAffinityConfig?.ClientIP?.TimeoutSeconds,
            LoadBalancerIP = service.Spec?.LoadBalancerIP,
            IpFamilies = [.. service.Spec?.IpFamilies ?? []],
            IpFamilyPolicy = service.Spec?.IpFamilyPolicy,
            IngressIpModes = [.. published.Select(i => i.IpMode ?? "")],
            // Ours is the one string every Service shares: kept once, not once per watch event.
            Finalizers = [.. (meta.Finalizers ?? []).Select(f => f == ServiceClassFilter.Finalizer ? ServiceClassFilter.Finalizer : f)],
        };
    }

    public static EndpointSliceSnapshot ToSnapshot(V1EndpointSlice slice) => new(
        slice.Metadata.Name,
        slice.AddressType ?? "",
        [.. (slice.Ports ?? []).Where(p => p.Port is not null).Select(p => new EndpointPortSnapshot(p.Name ?? "", p.Protocol ?? "TCP", p.Port!.Value))],
        [.. (slice.Endpoints ?? []).Select(ToSnapshot)]);

    /// <summary>Applies the API's defaults: absent ready or serving means true, absent terminating false.</summary>
    private static EndpointSnapshot ToSnapshot(V1Endpoint endpoint)
    {
        var conditions = endpoint.Conditions;
        var ready = conditions?.Ready ?? true;
        return new EndpointSnapshot(
            [.. endpoint.Addresses ?? []],
            ready,
            conditions?.Serving ?? ready,
            conditions?.Terminating ?? false,
            endpoint.TargetRef?.Name,
            endpoint.NodeName);
    }
}

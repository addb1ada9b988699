using System.Reflection;
using k8s.Models;

namespace DirectLB.KubeApiServer.Resources;

/// <summary>The set of resource kinds a server instance serves, looked up by URL coordinates or by model type.</summary>
public sealed class ResourceTable
{
    public static readonly ResourceKind Services = new("", "v1", "services", "Service", "ServiceList", true, true);
    public static readonly ResourceKind Pods = new("", "v1", "pods", "Pod", "PodList", true, true)
    {
        SelectableFields = ["spec.nodeName", "status.phase"],
    };
    public static readonly ResourceKind Secrets = new("", "v1", "secrets", "Secret", "SecretList", true, false)
    {
        SelectableFields = ["type"],
    };
    public static readonly ResourceKind Namespaces = new("", "v1", "namespaces", "Namespace", "NamespaceList", false, true)
    {
        SelectableFields = ["status.phase"],
    };
    public static readonly ResourceKind CoreEvents = new("", "v1", "events", "Event", "EventList", true, false)
    {
        SelectableFields =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };
    public static readonly ResourceKind Events = new("events.k8s.io", "v1", "events", "Event", "EventList", true, false);
    public static readonly ResourceKind EndpointSlices =
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", "EndpointSliceList", true, false);

    private readonly Dictionary<(string Group, string Version, string Plural), ResourceKind> _byPath = [];

    public ResourceTable(IEnumerable<ResourceKind> kinds)
    {
        foreach (var kind in kinds)
        {
            _byPath[(kind.Group, kind.Version, kind.Plural)] = kind;
        }
    }

    /// <summary>The kinds DirectLB touches: services, endpoint slices, both event APIs, secrets, namespaces, pods.</summary>
    public static ResourceTable CreateDefault() =>
        new([Services, Pods, Secrets, Namespaces, CoreEvents, Events, EndpointSlices]);

    public IReadOnlyCollection<ResourceKind> All => _byPath.Values;

    public ResourceKind? Find(string group, string version, string plural) =>
        _byPath.GetValueOrDefault((group, version, plural));

    /// <summary>Maps a KubernetesClient model type to its kind via the <see cref="KubernetesEntityAttribute"/> it carries.</summary>
    public ResourceKind For(Type modelType)
    {
        var entity = modelType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{modelType.Name} carries no KubernetesEntity attribute.", nameof(modelType));
        return Find(entity.Group ?? "", entity.ApiVersion, entity.PluralName)
            ?? throw new ArgumentException(
                $"{entity.Group}/{entity.ApiVersion} {entity.PluralName} is not registered with this server.", nameof(modelType));
    }
}

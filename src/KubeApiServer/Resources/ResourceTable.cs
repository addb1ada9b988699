using System.Reflection;
using DirectLB.KubeApiServer.Printing;
using k8s.Models;

namespace DirectLB.KubeApiServer.Resources;

/// <summary>The set of resource kinds a server instance serves, looked up by URL coordinates or by model type.</summary>
public sealed class ResourceTable
{
    // Short names, categories and printers are those of the real kube-apiserver.
    public static readonly ResourceKind Services = new("", "v1", "services", "Service", "ServiceList", true, true)
    {
        ShortNames = ["svc"],
        Categories = ["all"],
        Printer = ServicePrinter.Instance,
    };
    public static readonly ResourceKind Pods = new("", "v1", "pods", "Pod", "PodList", true, true)
    {
        SelectableFields = ["spec.nodeName", "status.phase"],
        ShortNames = ["po"],
        Categories = ["all"],
        Printer = PodPrinter.Instance,
    };
    public static readonly ResourceKind Secrets = new("", "v1", "secrets", "Secret", "SecretList", true, false)
    {
        SelectableFields = ["type"],
        Printer = MetadataPrinters.Secret,
    };
    public static readonly ResourceKind Namespaces = new("", "v1", "namespaces", "Namespace", "NamespaceList", false, true)
    {
        SelectableFields = ["status.phase"],
        ShortNames = ["ns"],
        InitialStatus = """{ "phase": "Active" }""",
        Printer = MetadataPrinters.Namespace,
    };
    public static readonly ResourceKind CoreEvents = new("", "v1", "events", "Event", "EventList", true, false)
    {
        ShortNames = ["ev"],
        Printer = EventPrinter.Instance,
        SelectableFields =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
    };
    // "ev" names the core Events only (which kubectl describe reads): with a second "ev", kubectl warns at every
    // "get ev" that the short name is ambiguous.
    public static readonly ResourceKind Events = new("events.k8s.io", "v1", "events", "Event", "EventList", true, false)
    {
        Printer = EventPrinter.Instance,
    };
    public static readonly ResourceKind Endpoints = new("", "v1", "endpoints", "Endpoints", "EndpointsList", true, false)
    {
        ShortNames = ["ep"],
        Printer = EndpointsPrinter.Instance,
    };
    public static readonly ResourceKind EndpointSlices =
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", "EndpointSliceList", true, false)
        {
            Printer = EndpointSlicePrinter.Instance,
        };

    private readonly Dictionary<(string Group, string Version, string Plural), ResourceKind> _byPath = [];

    public ResourceTable(IEnumerable<ResourceKind> kinds)
    {
        foreach (var kind in kinds)
        {
            _byPath[(kind.Group, kind.Version, kind.Plural)] = kind;
        }
    }

    /// <summary>
    /// The kinds DirectLB touches (services, endpoint slices, both event APIs, secrets, namespaces, pods), and the
    /// Endpoints that kubectl describe reads.
    /// </summary>
    public static ResourceTable CreateDefault() =>
        new([Services, Pods, Secrets, Namespaces, CoreEvents, Events, Endpoints, EndpointSlices]);

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

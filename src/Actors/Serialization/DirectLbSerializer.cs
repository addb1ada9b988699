using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Kubernetes;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Orphans;

namespace DirectLB.Actors.Serialization;

/// <summary>
/// The one serializer for everything DirectLB persists or sends from one replica to another. Manifests are stable names chosen here, never CLR
/// type names, so classes can be renamed or moved without breaking a journal. A change to a persisted
/// shape that old data cannot read gets a new manifest (".v2") and a reader for the old one.
/// </summary>
public sealed class DirectLbSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves 0-40; this number is DirectLB's and must never change.</summary>
    public const int SerializerId = 7411;

    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(OperationStarted)] = "operation-started.v1",
        [typeof(OperationSucceeded)] = "operation-succeeded.v1",
        [typeof(OperationFailed)] = "operation-failed.v1",
        [typeof(LoadBalancerObserved)] = "lb-observed.v1",
        [typeof(ServiceLoadBalancerState)] = "service-lb-state.v1",
        [typeof(ServiceObserved)] = "service-observed.v1",
        [typeof(ObservationTaken)] = "observation-taken.v1",
        [typeof(ServiceGone)] = "service-gone.v1",
        [typeof(ClusterUnreachable)] = "cluster-unreachable.v1",
        [typeof(ClusterStale)] = "cluster-stale.v1",
        [typeof(GetLoadBalancerStatus)] = "get-lb-status.v1",
        [typeof(CollectOrphan)] = "collect-orphan.v1",
        [typeof(LoadBalancerStatusReport)] = "lb-status-report.v1",
        [typeof(ResendServiceState)] = "resend-service-state.v1",
        [typeof(GetAllWatcherStatuses)] = "get-all-watcher-statuses.v1",
        [typeof(AllWatcherStatuses)] = "all-watcher-statuses.v1",
        [typeof(GetServiceInventory)] = "get-service-inventory.v1",
        [typeof(ServiceInventory)] = "service-inventory.v1",
        [typeof(GetOrphans)] = "get-orphans.v1",
        [typeof(OrphanReport)] = "orphan-report.v1",
        [typeof(FindGatingServices)] = "find-gating-services.v1",
        [typeof(GatingServices)] = "gating-services.v1",
        [typeof(GetServiceRows)] = "get-service-rows.v1",
        [typeof(ServiceRows)] = "service-rows.v1",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeByManifest =
        ManifestByType.ToFrozenDictionary(pair => pair.Value, pair => pair.Key);

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.CamelCase),
            new ListenerKeyJsonConverter(),
            new TargetKeyJsonConverter(),
            new ServiceKeyJsonConverter(),
            new TargetMapJsonConverter(),
        },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no DirectLB manifest; add one before persisting or sending it");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypeByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, JsonOptions) ?? throw new SerializationException($"manifest {manifest} held null")
            : throw new SerializationException($"unknown DirectLB manifest '{manifest}'");
}

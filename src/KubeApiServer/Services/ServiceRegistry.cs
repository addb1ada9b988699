using System.Text.Json.Nodes;
using DirectLB.KubeApiServer.Store;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// What the real server's Service registry does to a Service on its way in (pkg/registry/core/service): the defaults,
/// the IP families and cluster IPs, the node ports, and the fields a type change drops. Values are given out when a
/// write is stored and taken back when the Service is gone for good (not while a finalizer holds it).
/// </summary>
internal sealed class ServiceRegistry(ServiceNetwork network) : IWriteHooks
{
    private readonly ClusterIPs _clusterIPs = new(network);
    private readonly NodePorts _nodePorts = new(network);

    public void PrepareForCreate(JsonObject service)
    {
        ServiceDefaults.Apply(service);
        var write = WritingOf(service);
        CheckLoadBalancerClass(write, Child(service, "spec"), before: null);
        Assign(write, service, before: null);
    }

    public void PrepareForUpdate(JsonObject current, JsonObject next, bool statusOnly)
    {
        ServiceDefaults.Apply(next);
        var write = WritingOf(next);
        if (statusOnly)
        {
            LoadBalancerStatus.Validate(write, next);
            return;
        }
        var before = Child(current, "spec");
        DropTypeDependentFields(next, before);
        CheckLoadBalancerClass(write, Child(next, "spec"), before);
        Assign(write, next, before);
    }

    public void Committed(JsonObject? previous, JsonObject? stored)
    {
        if (previous?["spec"] is JsonObject released)
        {
            Track(released, take: false);
        }
        if (stored?["spec"] is JsonObject taken)
        {
            Track(taken, take: true);
        }
    }

    private void Assign(Writing write, JsonObject service, JsonObject? before)
    {
        var spec = Child(service, "spec");
        _clusterIPs.Assign(write, spec, before);
        _nodePorts.Assign(write, spec, before);
    }

    private static Writing WritingOf(JsonObject service) => new(service["metadata"]?["name"]?.GetValue<string>() ?? "");

    private void Track(JsonObject spec, bool take)
    {
        foreach (var (family, offset) in _clusterIPs.Held(spec))
        {
            Take(family.Allocator, offset, take);
        }
        foreach (var offset in _nodePorts.Held(spec))
        {
            Take(_nodePorts.Allocator, offset, take);
        }
    }

    private static void Take(BandAllocator allocator, int offset, bool take)
    {
        if (take)
        {
            allocator.Take(offset);
        }
        else
        {
            allocator.Release(offset);
        }
    }

    // loadBalancerClass (validation.go validateLoadBalancerClassField): only on a LoadBalancer Service, and fixed while it
    // stays one (set or not); a Service leaves its load balancer's class by leaving type LoadBalancer.
    private static void CheckLoadBalancerClass(Writing write, JsonObject spec, JsonObject? before)
    {
        var isLoadBalancer = Text(spec, "type") == "LoadBalancer";
        if (spec["loadBalancerClass"] is not null && !isLoadBalancer)
        {
            throw write.Invalid("spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'");
        }
        if (before is not null && isLoadBalancer && Text(before, "type") == "LoadBalancer"
            && !JsonNode.DeepEquals(spec["loadBalancerClass"], before["loadBalancerClass"]))
        {
            var value = Text(spec, "loadBalancerClass") is { } text ? $"\"{text}\"" : "null";
            throw write.Invalid($"spec.loadBalancerClass: Invalid value: {value}: may not change once set");
        }
    }

    // A field only one type has goes when the type changes, unless the writer set it anew (strategy.go dropTypeDependentFields).
    private static void DropTypeDependentFields(JsonObject next, JsonObject before)
    {
        var spec = Child(next, "spec");
        var type = Text(spec, "type");
        if (Text(before, "type") == "LoadBalancer" && type != "LoadBalancer")
        {
            foreach (var field in new[] { "allocateLoadBalancerNodePorts", "loadBalancerClass" })
            {
                if (JsonNode.DeepEquals(spec[field], before[field]))
                {
                    spec.Remove(field);
                }
            }
        }
        if (type is not ("NodePort" or "LoadBalancer") && spec["externalIPs"] is not JsonArray { Count: > 0 }
            && JsonNode.DeepEquals(spec["externalTrafficPolicy"], before["externalTrafficPolicy"]))
        {
            spec.Remove("externalTrafficPolicy");
        }
        if (type != "LoadBalancer" && next["status"] is JsonObject status)
        {
            status["loadBalancer"] = new JsonObject();
        }
    }
}

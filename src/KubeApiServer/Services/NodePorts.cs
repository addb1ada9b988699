using System.Text.Json;
using System.Text.Json.Nodes;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// A Service's node ports and health check node port, as the real server allocates them (alloc.go: <c>initNodePorts</c>,
/// <c>updateNodePorts</c>, <c>allocHealthCheckNodePort</c>; storage.go: <c>patchAllocatedValues</c>; strategy.go:
/// <c>dropTypeDependentFields</c>): for NodePort Services, and LoadBalancer ones unless
/// <c>allocateLoadBalancerNodePorts</c> is false; kept across updates that leave them out (matched by port name);
/// given back when the type no longer needs them.
/// </summary>
internal sealed class NodePorts(ServiceNetwork network)
{
    private readonly BandAllocator _ports = new(
        network.LastNodePort - network.FirstNodePort + 1,
        BandAllocator.LowerBand(network.LastNodePort - network.FirstNodePort + 1, step: 32, max: 128));

    public BandAllocator Allocator => _ports;

    /// <summary>The port offsets a stored Service holds: its ports' node ports and its health check node port.</summary>
    public IEnumerable<int> Held(JsonObject spec) =>
        Ports(spec).Select(p => Number(p, "nodePort")).Append(Number(spec, "healthCheckNodePort"))
            .Where(InRange).Select(p => p - network.FirstNodePort).Distinct();

    /// <summary>Sets the node ports of a Service being created or updated (<paramref name="before"/> null on create).</summary>
    public void Assign(Writing write, JsonObject spec, JsonObject? before)
    {
        var held = before is null ? [] : Held(before).ToHashSet();
        if (before is not null)
        {
            KeepAllocated(spec, before);
        }
        var type = Text(spec, "type");
        var ports = Ports(spec);
        if (type is not ("NodePort" or "LoadBalancer"))
        {
            for (var i = 0; i < ports.Count; i++)
            {
                if (Number(ports[i], "nodePort") != 0)
                {
                    throw write.Invalid($"spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is '{type}'");
                }
            }
        }
        var byNumber = new Dictionary<int, int>();
        for (var i = 0; i < ports.Count; i++)
        {
            if (Number(ports[i], "nodePort") is var requested and not 0)
            {
                Claim(write, requested, held, $"spec.ports[{i}].nodePort");
                byNumber.TryAdd(Number(ports[i], "port"), requested);
            }
        }
        var allocate = type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"]?.GetValueKind() != JsonValueKind.False);
        foreach (var port in allocate ? ports.Where(p => Number(p, "nodePort") == 0) : [])
        {
            // On create, ports of one number (TCP and UDP 53) share a node port; an update gives each its own.
            port["nodePort"] = before is null && byNumber.TryGetValue(Number(port, "port"), out var shared)
                ? shared
                : byNumber[Number(port, "port")] = Next(write, "failed to allocate a nodePort: range is full");
        }
        AssignHealthCheck(write, spec, before, held);
    }

    // What an update leaves out keeps its value: node ports by port name, while both types need them, unless the new
    // spec uses that port elsewhere; a type that no longer needs them drops those it had.
    private static void KeepAllocated(JsonObject spec, JsonObject before)
    {
        static bool NeedsNodePorts(JsonObject s) => Text(s, "type") is "NodePort" or "LoadBalancer";
        var ports = Ports(spec);
        var old = Ports(before).GroupBy(p => Text(p, "name") ?? "").ToDictionary(g => g.Key, g => Number(g.Last(), "nodePort"));
        if (NeedsNodePorts(before) && NeedsNodePorts(spec))
        {
            var used = ports.Select(p => Number(p, "nodePort")).ToHashSet();
            foreach (var port in ports.Where(p => Number(p, "nodePort") == 0))
            {
                if (old.GetValueOrDefault(Text(port, "name") ?? "") is var kept and not 0 && !used.Contains(kept))
                {
                    port["nodePort"] = kept;
                }
            }
        }
        else if (NeedsNodePorts(before) && ports.All(p => Number(p, "nodePort") == 0 || old.ContainsValue(Number(p, "nodePort"))))
        {
            foreach (var port in ports)
            {
                port.Remove("nodePort");
            }
        }
    }

    // Only a LoadBalancer Service with externalTrafficPolicy Local has one; an update that leaves it out keeps it.
    private void AssignHealthCheck(Writing write, JsonObject spec, JsonObject? before, HashSet<int> held)
    {
        static bool Needs(JsonObject? s) => s is not null && Text(s, "type") == "LoadBalancer" && Text(s, "externalTrafficPolicy") == "Local";
        var requested = Number(spec, "healthCheckNodePort");
        var previous = before is null ? 0 : Number(before, "healthCheckNodePort");
        if (!Needs(spec))
        {
            if (requested != 0 && requested != previous)
            {
                throw write.Invalid($"spec.healthCheckNodePort: Invalid value: {requested}: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
            }
            spec.Remove("healthCheckNodePort");
            return;
        }
        if (requested == 0 && Needs(before))
        {
            requested = previous;
        }
        if (Needs(before) && previous != 0 && requested != previous)
        {
            throw write.Invalid("spec.healthCheckNodePort: Forbidden: field is immutable");
        }
        if (requested == 0)
        {
            spec["healthCheckNodePort"] = Next(write, "failed to allocate a HealthCheck NodePort 0: range is full");
            return;
        }
        if (!InRange(requested) || (_ports.IsTaken(requested - network.FirstNodePort) && !held.Contains(requested - network.FirstNodePort)))
        {
            throw KubeApiException.Internal($"failed to allocate requested HealthCheck NodePort {requested}: provided port is already allocated");
        }
        write.Chosen(_ports).Add(requested - network.FirstNodePort);
        spec["healthCheckNodePort"] = requested;
    }

    private void Claim(Writing write, int port, HashSet<int> held, string field)
    {
        if (!InRange(port))
        {
            throw write.Invalid($"{field}: Invalid value: {port}: provided port is not in the valid range. The range of valid ports is {network.FirstNodePort}-{network.LastNodePort}");
        }
        var offset = port - network.FirstNodePort;
        if (_ports.IsTaken(offset) && !held.Contains(offset))
        {
            throw write.Invalid($"{field}: Invalid value: {port}: provided port is already allocated");
        }
        write.Chosen(_ports).Add(offset);
    }

    private int Next(Writing write, string whenFull)
    {
        var offset = _ports.Next(write.Chosen(_ports)) ?? throw KubeApiException.Internal(whenFull);
        write.Chosen(_ports).Add(offset);
        return network.FirstNodePort + offset;
    }

    private bool InRange(int port) => port >= network.FirstNodePort && port <= network.LastNodePort;

    private static List<JsonObject> Ports(JsonObject spec) => spec["ports"] is JsonArray array ? [.. array.OfType<JsonObject>()] : [];
}

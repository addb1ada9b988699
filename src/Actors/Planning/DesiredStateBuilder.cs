using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Builds the desired load balancer of a Service from what the member clusters say. Pure: the same inputs
/// always give the same model, whatever the controller did before.
/// When member clusters disagree on the spec, the oldest Service wins (ties: the lowest cluster id), as in the
/// Kubernetes multi-cluster services API; the others are named in <see cref="DesiredState.SpecConflicts"/>.
/// Endpoints come from every member cluster that wants the load balancer and is not stale.
/// </summary>
public static class DesiredStateBuilder
{
    public static DesiredState Build(
        ServiceKey key,
        IReadOnlyList<ClusterObservation> clusters,
        ServiceClassFilter filter,
        PlannerOptions options,
        ProviderCapabilities capabilities)
    {
        var wanting = clusters
            .Where(c => filter.WantsLoadBalancer(c.Service) && !c.Service.IsDeleting)
            .OrderBy(c => c.Service.CreatedAt)
            .ThenBy(c => c.ClusterId, StringComparer.Ordinal)
            .ToList();
        if (wanting.Count == 0)
        {
            return DesiredState.None;
        }

        var source = wanting[0];
        var (settings, annotationErrors) = ServiceAnnotations.Parse(source.Service.Annotations, options);
        var errors = new List<string>(annotationErrors);
        settings = settings with
        {
            SourceRanges = SourceRangesField.Resolve(source.Service, capabilities, errors),
            Affinity = SessionAffinityField.Resolve(source.Service, capabilities, errors),
        };
        var address = RequestedAddressField.Resolve(source.Service, capabilities, errors);
        var notices = new List<string>();
        var addresses = IpFamiliesField.Resolve(source.Service, address, capabilities, errors, notices);

        var serving = wanting.Where(c => !c.Stale).ToList();
        var slicesBehind = new List<string>();
        var listeners = ImmutableDictionary.CreateBuilder<ListenerKey, DesiredListener>();
        foreach (var name in source.Service.Ports.GroupBy(p => p.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            errors.Add($"port name '{Quote.Short(name)}' is declared more than once, so its target port cannot be resolved");
        }

        foreach (var port in source.Service.Ports)
        {
            var listener = BuildListener(port, serving, settings, capabilities, errors, slicesBehind);
            if (listener is null)
            {
                continue;
            }

            if (!listeners.TryAdd(listener.Spec.Key, listener))
            {
                errors.Add($"port {listener.Spec.Key} is declared more than once");
            }
        }

        var targetCount = listeners.Values.Sum(l => l.Targets.Count);
        if (targetCount > capabilities.MaxTargetsPerLoadBalancer)
        {
            errors.Add($"{targetCount} targets exceed the provider's limit of {capabilities.MaxTargetsPerLoadBalancer} per load balancer");
        }

        if (errors.Count > 0 || slicesBehind.Count > 0)
        {
            return DesiredState.Invalid(errors.Concat(slicesBehind).Distinct()) with { SlicesBehind = errors.Count == 0 };
        }

        var owner = new LoadBalancerOwner(key.Cluster ?? LoadBalancerOwner.AllClusters, key.Namespace, key.Name, source.Service.Uid, options.Installation);
        var drainDelay = capabilities.SupportsDrain ? settings.DrainDelay : TimeSpan.Zero;
        var loadBalancer = new DesiredLoadBalancer(owner, settings.Name ?? DefaultName(key), drainDelay, listeners.ToImmutable()) { Address = address, Addresses = addresses };
        return new DesiredState(loadBalancer, [])
        {
            SpecConflicts = Conflicts(source, wanting.Skip(1)),
            Notices = [.. notices],
        };
    }

    private static ImmutableSortedDictionary<string, string> Conflicts(ClusterObservation source, IEnumerable<ClusterObservation> others)
    {
        var ports = Describe(source.Service.Ports);
        return others
            .Where(o => Describe(o.Service.Ports) != ports)
            .ToImmutableSortedDictionary(
                o => o.ClusterId,
                o => $"its ports ({Describe(o.Service.Ports)}) differ from those of the oldest Service, in cluster {source.ClusterId} ({ports}), which are used",
                StringComparer.Ordinal);
    }

    private static DesiredListener? BuildListener(
        ServicePortSnapshot port,
        IReadOnlyList<ClusterObservation> clusters,
        LoadBalancerSettings settings,
        ProviderCapabilities capabilities,
        List<string> errors,
        List<string> slicesBehind)
    {
        if (!EndpointAddresses.IsPort(port.Port))
        {
            errors.Add($"port {Describe(port)}: {port.Port} is not a port number between 1 and 65535");
            return null;
        }

        if (!TryParseProtocol(port.Protocol, out var protocol))
        {
            errors.Add($"port {Describe(port)}: protocol '{Quote.Short(port.Protocol)}' is unknown");
            return null;
        }

        if (!capabilities.Supports(protocol))
        {
            errors.Add($"port {Describe(port)}: protocol {port.Protocol} is not supported by the load balancer provider");
            return null;
        }

        var targets = new Dictionary<TargetKey, TargetSpec>();
        var nodes = new Dictionary<TargetKey, string>();
        var slicesWithEndpoints = 0;
        var slicesWithPort = 0;
        foreach (var cluster in clusters)
        {
            foreach (var slice in cluster.Slices.Where(s => s.AddressType is "IPv4" or "IPv6"))
            {
                slicesWithEndpoints += slice.Endpoints.IsEmpty ? 0 : 1;
                // EndpointSlice ports carry the Service port's name and the resolved container port.
                var slicePort = slice.Ports.FirstOrDefault(p => p.Name == port.Name && p.Protocol == port.Protocol);
                if (slicePort is null)
                {
                    continue;
                }

                slicesWithPort++;
                if (!EndpointAddresses.IsPort(slicePort.Port))
                {
                    errors.Add($"EndpointSlice {Quote.Short(slice.Name)}: port '{Quote.Short(slicePort.Name)}' is {slicePort.Port}, not a port number between 1 and 65535");
                    continue;
                }

                AddTargets(slice, slicePort.Port, cluster.ClusterId, GatedReady(cluster), capabilities, targets, nodes, errors);
            }
        }

        // The EndpointSlice controller writes a Service's port names into its slices after the Service changes: until it
        // has, a renamed or added port is in no slice. It may also never be (no pod has the named container port).
        if (slicesWithEndpoints > 0 && slicesWithPort == 0)
        {
            slicesBehind.Add($"port {Describe(port)}: no EndpointSlice has a port named '{Quote.Short(port.Name)}' for {port.Protocol}, so its target port cannot be resolved");
            return null;
        }

        var key = new ListenerKey(protocol, port.Port);
        var spec = new ListenerSpec(key, port.Name, settings.HealthCheck, settings.ProxyProtocolV2, settings.SourceRanges, settings.Affinity);
        return new DesiredListener(spec, TargetWeighting.Weighted(targets.Values, nodes, settings, capabilities, errors));
    }

    /// <summary>
    /// The pods whose containers are ready while DirectLB's own readiness gate holds their endpoint back from ready:
    /// they are registered now, so the load balancer can check them and the gate can open.
    /// </summary>
    private static IReadOnlySet<string> GatedReady(ClusterObservation cluster) =>
        cluster.Gates.IsDefaultOrEmpty
            ? ImmutableHashSet<string>.Empty
            : cluster.Gates.Where(p => p.ContainersReady && !p.Terminating).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    private static void AddTargets(
        EndpointSliceSnapshot slice,
        int targetPort,
        string clusterId,
        IReadOnlySet<string> gatedReady,
        ProviderCapabilities capabilities,
        Dictionary<TargetKey, TargetSpec> targets,
        Dictionary<TargetKey, string> nodes,
        List<string> errors)
    {
        foreach (var endpoint in slice.Endpoints)
        {
            var addresses = EndpointAddresses.Canonical(slice, endpoint, errors);
            TargetState state;
            if (endpoint.Ready || (!endpoint.Terminating && endpoint.TargetName is { } pod && gatedReady.Contains(pod)))
            {
                state = TargetState.Serving;
            }
            else if (endpoint.Serving && endpoint.Terminating && capabilities.SupportsDrain)
            {
                state = TargetState.Draining;
            }
            else
            {
                continue;
            }

            foreach (var address in addresses)
            {
                var key = new TargetKey(address, targetPort);
                // The same address can sit in two slices while the slice controller moves it: serving wins.
                if (targets.TryGetValue(key, out var existing) && existing.State == TargetState.Serving)
                {
                    continue;
                }

                targets[key] = new TargetSpec(key, TargetWeighting.EqualPodWeight, state, clusterId);
                if (endpoint.NodeName is { } node)
                {
                    nodes[key] = node;
                }
            }
        }
    }

    private static bool TryParseProtocol(string value, out TransportProtocol protocol)
    {
        protocol = value switch
        {
            "TCP" => TransportProtocol.Tcp,
            "UDP" => TransportProtocol.Udp,
            "SCTP" => TransportProtocol.Sctp,
            _ => (TransportProtocol)(-1),
        };
        return Enum.IsDefined(protocol);
    }

    private static string Describe(ServicePortSnapshot port) =>
        string.IsNullOrEmpty(port.Name) ? port.Port.ToString(CultureInfo.InvariantCulture) : $"'{Quote.Short(port.Name)}' ({port.Port})";

    private static string Describe(IEnumerable<ServicePortSnapshot> ports) =>
        string.Join(", ", ports.Select(p => $"{Quote.Short(p.Name)}:{p.Port}/{Quote.Short(p.Protocol)}").Order(StringComparer.Ordinal));

    /// <summary>
    /// A provider-safe name: namespace-name (and -cluster when scoped). One too long, or with characters no provider
    /// takes (which no real API server lets a Service have), keeps what is safe and gains a stable hash, so two
    /// Services never share a name.
    /// </summary>
    internal static string DefaultName(ServiceKey key)
    {
        var name = (key.Cluster is null ? $"{key.Namespace}-{key.Name}" : $"{key.Namespace}-{key.Name}-{key.Cluster}").ToLowerInvariant();
        if (ServiceAnnotations.IsLoadBalancerName(name))
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..8];
        var safe = new string([.. name.Take(54).Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-')]).Trim('-');
        return safe.Length == 0 ? $"lb-{hash}" : $"{safe}-{hash}";
    }
}

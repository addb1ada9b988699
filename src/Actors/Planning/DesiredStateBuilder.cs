using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using DirectLB.Actors.Domain;
using DirectLB.Providers;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Planning;

/// <summary>
/// Builds the desired load balancer of a Service from what the member clusters say. Pure: the same inputs
/// always give the same model, whatever the controller did before.
/// </summary>
public static class DesiredStateBuilder
{
    private const int EqualPodWeight = 1;

    public static DesiredState Build(
        ServiceKey key,
        IReadOnlyList<ClusterObservation> clusters,
        ServiceClassFilter filter,
        PlannerOptions options,
        ProviderCapabilities capabilities)
    {
        // The Service's spec comes from the lowest cluster id among those that want a load balancer; its
        // endpoints come from all of them.
        var wanting = clusters
            .Where(c => filter.WantsLoadBalancer(c.Service) && !c.Service.IsDeleting)
            .OrderBy(c => c.ClusterId, StringComparer.Ordinal)
            .ToList();
        if (wanting.Count == 0)
        {
            return DesiredState.None;
        }

        var source = wanting[0];
        var (settings, annotationErrors) = ServiceAnnotations.Parse(source.Service.Annotations, options);
        var errors = new List<string>(annotationErrors);
        if (!source.Service.SourceRanges.IsEmpty)
        {
            errors.Add("spec.loadBalancerSourceRanges is not supported by this version of DirectLB");
        }

        var listeners = ImmutableDictionary.CreateBuilder<ListenerKey, DesiredListener>();
        foreach (var port in source.Service.Ports)
        {
            var listener = BuildListener(port, wanting, capabilities, errors);
            if (listener is null)
            {
                continue;
            }

            if (listeners.ContainsKey(listener.Spec.Key))
            {
                errors.Add($"port {listener.Spec.Key} is declared more than once");
                continue;
            }

            listeners.Add(listener.Spec.Key, listener);
        }

        var targetCount = listeners.Values.Sum(l => l.Targets.Count);
        if (targetCount > capabilities.MaxTargetsPerLoadBalancer)
        {
            errors.Add($"{targetCount} targets exceed the provider's limit of {capabilities.MaxTargetsPerLoadBalancer} per load balancer");
        }

        if (errors.Count > 0)
        {
            return DesiredState.Invalid(errors);
        }

        var owner = new LoadBalancerOwner(source.ClusterId, key.Namespace, key.Name, source.Service.Uid);
        var drainDelay = capabilities.SupportsDrain ? settings.DrainDelay : TimeSpan.Zero;
        return new DesiredState(
            new DesiredLoadBalancer(owner, settings.Name ?? DefaultName(key), drainDelay, listeners.ToImmutable()),
            []);
    }

    private static DesiredListener? BuildListener(
        ServicePortSnapshot port,
        IReadOnlyList<ClusterObservation> clusters,
        ProviderCapabilities capabilities,
        List<string> errors)
    {
        if (!TryParseProtocol(port.Protocol, out var protocol))
        {
            errors.Add($"port {Describe(port)}: protocol '{port.Protocol}' is unknown");
            return null;
        }

        if (!capabilities.Supports(protocol))
        {
            errors.Add($"port {Describe(port)}: protocol {port.Protocol} is not supported by the load balancer provider");
            return null;
        }

        var targets = new Dictionary<TargetKey, TargetSpec>();
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
                AddTargets(slice, slicePort.Port, cluster.ClusterId, capabilities, targets);
            }
        }

        if (slicesWithEndpoints > 0 && slicesWithPort == 0)
        {
            errors.Add($"port {Describe(port)}: no EndpointSlice has a port named '{port.Name}' for {port.Protocol}, so its target port cannot be resolved");
            return null;
        }

        var key = new ListenerKey(protocol, port.Port);
        return new DesiredListener(new ListenerSpec(key, port.Name), targets.ToImmutableDictionary());
    }

    private static void AddTargets(
        EndpointSliceSnapshot slice,
        int targetPort,
        string clusterId,
        ProviderCapabilities capabilities,
        Dictionary<TargetKey, TargetSpec> targets)
    {
        foreach (var endpoint in slice.Endpoints)
        {
            TargetState state;
            if (endpoint.Ready)
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

            foreach (var address in endpoint.Addresses)
            {
                var key = new TargetKey(address, targetPort);
                // The same address can sit in two slices while the slice controller moves it: serving wins.
                if (targets.TryGetValue(key, out var existing) && existing.State == TargetState.Serving)
                {
                    continue;
                }

                targets[key] = new TargetSpec(key, EqualPodWeight, state, clusterId);
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
        string.IsNullOrEmpty(port.Name) ? port.Port.ToString() : $"'{port.Name}' ({port.Port})";

    /// <summary>A provider-safe name: namespace-name, shortened with a stable hash when too long.</summary>
    internal static string DefaultName(ServiceKey key)
    {
        var name = $"{key.Namespace}-{key.Name}".ToLowerInvariant();
        if (name.Length <= 63)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..8];
        return $"{name[..54].TrimEnd('-')}-{hash}";
    }
}

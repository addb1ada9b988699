using DirectLB.Providers.Model;
using Microsoft.Extensions.Logging;

namespace DirectLB.Providers.HAProxy;

/// <summary>Addresses from the VIP pool: the next free one, or one the caller asks for, at creation or later.</summary>
public sealed partial class HAProxyProvider
{
    /// <summary>The address must be in the VIP pool and free: a Service's requested address, or another node's VIP for it.</summary>
    public Task<LoadBalancerInfo> EnsureLoadBalancerAsync(LoadBalancerOwner owner, string name, string address, CancellationToken cancellationToken) =>
        EnsureLoadBalancerCoreAsync(owner, name, address, cancellationToken);

    private Task<LoadBalancerInfo> EnsureLoadBalancerCoreAsync(LoadBalancerOwner owner, string name, string? address, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            if (_model.FindOwned(owner) is { } existing)
            {
                return existing;
            }

            var used = _model.LoadBalancers.Values.Select(lb => lb.Address);
            var chosen = address is null ? _vips.Next(used) : PoolFor(address).Claim(address, used);
            var created = new LoadBalancerInfo(NewId(owner), name, chosen, owner.ToTags(), []);

            // No listener yet means no frontend: recording it in the file is enough, no reload needed.
            await WriteConfigAsync(_model.With(created), cancellationToken);
            _logger.LogInformation("Created load balancer {Id} at {Address} for {Service}", created.Id, chosen, owner.ToTags()[LoadBalancerOwner.ServiceTag]);
            return _model.Get(created.Id);
        }, cancellationToken);

    /// <summary>An IPv6 address is claimed from <see cref="HAProxyProviderOptions.VipPool6"/> when there is one, any other from the IPv4 pool.</summary>
    private VipPool PoolFor(string address) =>
        _vips6 is { } pool6 && address.Contains(':') ? pool6 : _vips;

    /// <summary>
    /// Rebinds every frontend of the load balancer to <paramref name="address"/> in one seamless reload: the new address
    /// accepts before the old one stops, and connections made to the old one finish in the old worker.
    /// </summary>
    public Task<LoadBalancerInfo> MoveLoadBalancerAsync(LoadBalancerRef loadBalancer, string address, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            var current = GetOwned(loadBalancer);
            var claimed = PoolFor(address).Claim(address, _model.LoadBalancers.Values.Where(lb => lb.Id != current.Id).Select(lb => lb.Address));
            if (claimed == current.Address)
            {
                return current;
            }

            var moved = _model.With(current with { Address = claimed });
            if (current.Listeners.Count == 0)
            {
                await WriteConfigAsync(moved, cancellationToken); // no frontend: nothing is bound yet
            }
            else
            {
                await ReloadWithAsync(moved, cancellationToken);
            }

            _logger.LogInformation("Moved load balancer {Id} from {Previous} to {Address}", current.Id, current.Address, claimed);
            return _model.Get(current.Id);
        }, cancellationToken);
}

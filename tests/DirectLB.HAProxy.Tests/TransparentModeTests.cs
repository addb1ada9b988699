using DirectLB.HAProxy.Tests.Support;
using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Model;
using static DirectLB.HAProxy.Tests.Support.HAProxyTestContext;

namespace DirectLB.HAProxy.Tests;

/// <summary>
/// Transparent mode with real HAProxy, in network namespaces (this needs root, as transparent mode itself needs
/// CAP_NET_ADMIN): the pod's TCP peer is the client itself, where without it the pod sees the load balancer host.
/// </summary>
[Trait("Category", "HAProxy")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TransparentModeTests
{
    private static readonly ListenerSpec Http = new(new ListenerKey(TransportProtocol.Tcp, 80), "http");

    [Theory]
    [InlineData(false, TransparentWorld.LoadBalancerToPods)]
    [InlineData(true, TransparentWorld.Client)]
    public async Task In_transparent_mode_the_pod_sees_the_client_as_its_peer_and_otherwise_the_load_balancer(bool transparent, string peer)
    {
        await using var context = new HAProxyTestContext();
        await using var world = await TransparentWorld.StartAsync(context.StateDirectory);
        var provider = await context.StartAsync(context.Options() with { BinaryPath = world.HAProxyWrapper, VipPool = "10.250.1.0/24", Transparent = transparent });

        var lb = await provider.EnsureLoadBalancerAsync(Owner(), "web", CancellationToken.None);
        await provider.EnsureListenerAsync(lb.Ref, Http, CancellationToken.None);
        await provider.ChangeTargetsAsync(lb.Ref, Http.Key, [new TargetSpec(new TargetKey(TransparentWorld.Pod, TransparentWorld.PodPort), 1, TargetState.Serving, "c")], [], CancellationToken.None);

        Assert.Equal(TransparentWorld.Vip, lb.Address);
        Assert.Equal($"peer={peer}", await world.GetFromClientAsync(80));
    }

    [Fact]
    public async Task Transparent_mode_with_an_haproxy_built_without_tproxy_is_refused_at_start_saying_why()
    {
        await using var context = new HAProxyTestContext();

        // The real haproxy, its feature list reported as a build without TPROXY reports it.
        var withoutTproxy = Path.Combine(context.StateDirectory, "haproxy-without-tproxy");
        await File.WriteAllTextAsync(withoutTproxy, "#!/bin/sh\nhaproxy \"$@\" | sed 's/+LINUX_TPROXY/-LINUX_TPROXY/'\n");
        File.SetUnixFileMode(withoutTproxy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<ProviderException>(() => context.StartAsync(context.Options() with { BinaryPath = withoutTproxy, Transparent = true }));

        Assert.False(error.Retryable);
        Assert.Contains("Transparent is on, but transparent mode cannot work on this host", error.Message);
        Assert.Contains("+LINUX_TPROXY", error.Message);
    }
}

using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Tests.Support;

/// <summary>The owner, listener and targets the tests share, so each test says only what matters to it.</summary>
public static class Samples
{
    public static readonly Installation Ours = new("test", "directlb.io/direct");

    public static readonly LoadBalancerOwner Owner = new("east", "shop", "web", "uid-1", Ours);

    public static readonly ListenerKey WebKey = new(TransportProtocol.Tcp, 80);

    public static readonly ListenerSpec WebListener = new(WebKey, "http");

    public static TargetSpec Serving(string ip) => new(new TargetKey(ip, 8080), 1, TargetState.Serving, "east");

    public static TargetSpec Draining(string ip) => new(new TargetKey(ip, 8080), 1, TargetState.Draining, "east");
}

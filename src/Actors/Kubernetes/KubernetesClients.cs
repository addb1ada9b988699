using k8s;

namespace DirectLB.Actors.Kubernetes;

/// <summary>
/// DirectLB's Kubernetes clients: the KubernetesClient library's, with each response read before the library
/// deserializes it (<see cref="ResponseBuffering"/>) and at most <see cref="ConnectionsPerServer"/>
/// connections to an API server. The library leaves its handler unbounded, so over HTTP/1.1 (an API server or proxy
/// that does not speak HTTP/2) every request made while the others are in flight opens a connection of its own: a cold
/// start of 10,000 Services held ~9,300 connections to the API test server at once, 19,000 file descriptors in the
/// process (both ends), and ran out of them (docs/benchmarks.md, Findings, "Connections to the API server"). Requests
/// beyond the bound wait for a connection instead. Over HTTP/2 the bound counts connections, each with many streams.
/// </summary>
public static class KubernetesClients
{
    /// <summary>As many as the bench's measure of the API test server's write rate uses (64 concurrent callers).</summary>
    public const int ConnectionsPerServer = 64;

    public static IKubernetes Create(KubernetesClientConfiguration config)
    {
        var setup = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = handler =>
        {
            setup?.Invoke(handler);
            handler.MaxConnectionsPerServer = ConnectionsPerServer;
        };
        return new k8s.Kubernetes(config, new ResponseBuffering());
    }
}

using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using DirectLB.Actors.Replicas;

namespace DirectLB.Tests.Replicas;

/// <summary>The probe's one connection attempt, against real loopback sockets.</summary>
public class DeadReplicaProbeTests
{
    private static Address AkkaAddress(int port) => new("akka.tcp", "directlb", "127.0.0.1", port);

    [Fact]
    public async Task A_port_nobody_listens_on_refuses()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Equal(ProbeOutcome.Refused, await DeadReplicaProbe.ConnectAsync(AkkaAddress(port), CancellationToken.None));
    }

    [Fact]
    public async Task A_listening_port_accepts()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        Assert.Equal(ProbeOutcome.Accepted, await DeadReplicaProbe.ConnectAsync(AkkaAddress(((IPEndPoint)listener.LocalEndpoint).Port), CancellationToken.None));
    }
}

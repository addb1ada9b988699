using System.Net;
using System.Net.Sockets;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>A loopback port nothing listens on right now, for processes that must be told their port up front.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

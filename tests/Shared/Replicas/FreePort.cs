using System.Net;
using System.Net.Sockets;

namespace DirectLB.Tests.Shared.Replicas;

/// <summary>
/// A loopback port nothing listens on right now, for processes that must be told their port up front. A port handed
/// out here may stay unbound for seconds (a replica starts its peers only once the first is ready), so it must not be
/// one the kernel can give to someone else meanwhile, nor one an earlier server of this run listened on (a client
/// still reconnecting to that server would speak HTTP to a replica's Akka port). Ports therefore come from below the
/// kernel's ephemeral range (which port-0 listeners and outgoing connections draw from), each at most once per
/// process, starting at an offset of the process id so that test processes running side by side rarely meet.
/// </summary>
public static class FreePort
{
    private const int First = 20_000;
    private const int Count = 12_000;

    // In long: a pid times 997 passes int's range, and a negative offset would start below First.
    private static int _next = (int)((long)Environment.ProcessId * 997 % Count);
    private static int _tried;

    public static int Next()
    {
        while (Interlocked.Increment(ref _tried) <= Count)
        {
            var port = First + Interlocked.Increment(ref _next) % Count;
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"every port in {First}–{First + Count - 1} was handed out or is in use");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

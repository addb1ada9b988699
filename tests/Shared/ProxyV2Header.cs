using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DirectLB.Tests.Shared;

/// <summary>Reads the PROXY protocol v2 header a load balancer sends before the request, as a pod that expects it does.</summary>
public static class ProxyV2Header
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// What a pod that expects PROXY v2 does first: reads the header when <paramref name="expected"/>, notes the client's
    /// address in <paramref name="clients"/>, and says whether to go on serving (false: no header came, drop the connection).
    /// </summary>
    public static async Task<bool> AcceptAsync(NetworkStream stream, bool expected, ConcurrentQueue<string> clients, CancellationToken cancellationToken)
    {
        if (!expected)
        {
            return true;
        }

        var (present, client) = await ReadAsync(stream, cancellationToken);
        if (client is not null)
        {
            clients.Enqueue(client);
        }

        return present;
    }

    /// <summary>
    /// Consumes the header; false when the stream did not start with one. <paramref name="client"/> is the client's
    /// address for a PROXY command over TCP/IPv4, else null.
    /// </summary>
    public static async Task<(bool Present, string? Client)> ReadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[16];
        await stream.ReadExactlyAsync(fixedPart, cancellationToken);
        if (!fixedPart.AsSpan(0, 12).SequenceEqual(Signature))
        {
            return (false, null);
        }

        var addresses = new byte[(fixedPart[14] << 8) | fixedPart[15]];
        await stream.ReadExactlyAsync(addresses, cancellationToken);

        // Command PROXY (low nibble 1) over TCP/IPv4 (0x11) carries the source address first.
        var client = (fixedPart[12] & 0x0F) == 1 && fixedPart[13] == 0x11 ? new IPAddress(addresses.AsSpan(0, 4)).ToString() : null;
        return (true, client);
    }
}

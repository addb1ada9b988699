using System.Net;
using System.Net.Sockets;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Whether this host can run HAProxy in transparent mode, checked once at start so that a host that cannot is refused
/// with the reason instead of HAProxy failing every connection to a pod: HAProxy must be built with TPROXY, and a
/// socket must be allowed IP_TRANSPARENT (CAP_NET_ADMIN). Policy routing cannot be seen from here; the README says
/// what it must be.
/// </summary>
internal static class TransparentMode
{
    /// <summary>Linux's IP_TRANSPARENT socket option (linux/in.h), which .NET does not name.</summary>
    private const int IpTransparent = 19;

    private const int SolIp = 0;

    /// <exception cref="ProviderException">Transparent mode cannot work here (not retryable), saying why.</exception>
    public static async Task CheckAsync(HAProxyBinary binary, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw Refused("it needs Linux (TPROXY)");
        }

        if (!(await binary.FeaturesAsync(cancellationToken)).Contains("+LINUX_TPROXY", StringComparison.Ordinal))
        {
            throw Refused($"'{binary.Path} -vv' does not list +LINUX_TPROXY: this HAProxy was built without transparent proxying");
        }

        if (ProbeSocket() is { } refusal)
        {
            throw Refused($"the kernel refused IP_TRANSPARENT ({refusal}): HAProxy needs CAP_NET_ADMIN (run DirectLB as root, or give it and HAProxy that capability)");
        }
    }

    /// <summary>Sets IP_TRANSPARENT on a fresh socket and binds it to an address this host does not have; null when allowed.</summary>
    private static string? ProbeSocket()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Raw: .NET maps its own option names to the platform's, and has none for this one.
            socket.SetRawSocketOption(SolIp, IpTransparent, BitConverter.GetBytes(1));

            // TEST-NET-1 (RFC 5737): never an address of this host, so only a transparent socket may bind it.
            socket.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0));
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }
    }

    private static ProviderException Refused(string why) =>
        new($"DirectLB:HAProxy:Transparent is on, but transparent mode cannot work on this host: {why}", retryable: false);
}

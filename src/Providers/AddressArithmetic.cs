using System.Net;
using System.Net.Sockets;

namespace DirectLB.Providers;

/// <summary>Addresses as numbers, IPv4 and IPv6 alike: what the providers' address pools count with.</summary>
internal static class AddressArithmetic
{
    /// <summary>The host bits of a <paramref name="prefix"/>-long block of <paramref name="family"/>, all ones.</summary>
    public static UInt128 HostMask(AddressFamily family, int prefix)
    {
        var hostBits = (family == AddressFamily.InterNetwork ? 32 : 128) - prefix;
        return hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
    }

    public static UInt128 Value(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public static IPAddress ToAddress(UInt128 value, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetwork ? 4 : 16];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}

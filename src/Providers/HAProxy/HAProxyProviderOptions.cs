using System.Net;
using System.Net.Sockets;

namespace DirectLB.Providers.HAProxy;

/// <summary>How DirectLB reaches and configures HAProxy. <see cref="Validate"/> says what is wrong, all at once.</summary>
public sealed record HAProxyProviderOptions
{
    /// <summary>Unix socket paths are limited to 108 bytes including the terminating NUL.</summary>
    private const int MaxUnixSocketPath = 107;

    public HAProxyMode Mode { get; init; } = HAProxyMode.Own;

    /// <summary>The haproxy executable, looked up on PATH when it has no directory.</summary>
    public string BinaryPath { get; init; } = "haproxy";

    /// <summary>
    /// Where DirectLB keeps its files. In <see cref="HAProxyMode.Own"/> mode it holds everything (configuration,
    /// sockets, pid file, server state); in <see cref="HAProxyMode.Attach"/> mode only the server state file.
    /// </summary>
    public string StateDirectory { get; init; } = "/var/lib/directlb/haproxy";

    /// <summary>The configuration file; defaults to haproxy.cfg in <see cref="StateDirectory"/>. Required in attach mode.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>The master CLI socket (-S); defaults to master.sock in <see cref="StateDirectory"/>. Required in attach mode.</summary>
    public string? MasterSocket { get; init; }

    /// <summary>The admin-level stats socket for the runtime API; defaults to admin.sock in <see cref="StateDirectory"/>.</summary>
    public string? AdminSocket { get; init; }

    /// <summary>IPv4 block the load balancers' addresses come from. The addresses must be bindable on this host.</summary>
    public string VipPool { get; init; } = "127.0.100.0/24";

    /// <summary>
    /// Optional IPv6 block (/64 to /128) that IPv6 addresses come from: a Service that requests an IPv6 address gets it from
    /// here. Unset, IPv6 addresses are refused. The addresses must be bindable on this host (<c>::1/128</c> on loopback).
    /// </summary>
    public string? VipPool6 { get; init; }

    /// <summary>
    /// When set, an IPv4 block of the same size as <see cref="VipPool"/>: each VIP's frontends bind the address at the same
    /// place in this block instead of the VIP itself. For a node that receives its VIPs translated (1:1 NAT in front of
    /// it), or several nodes sharing one machine (tests). The load balancers still report their VIP.
    /// </summary>
    public string? BindPool { get; init; }

    public int MaxTargetsPerLoadBalancer { get; init; } = 1000;

    /// <summary>How long a reload may take before the call fails (retryably).</summary>
    public TimeSpan ReloadTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long starting HAProxy may take before the start fails.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a removed server may keep connections after its sessions were shut before deletion fails.</summary>
    public TimeSpan ServerDeleteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the supervisor checks that HAProxy still runs (own mode restarts it; attach mode only reports).</summary>
    public TimeSpan SupervisionInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Own mode: stop HAProxy when the provider is disposed. Off by default because the data plane should
    /// outlive a controller restart; the next provider on the same state directory adopts the running HAProxy.
    /// </summary>
    public bool StopOnDispose { get; init; }

    /// <summary>
    /// Transparent mode: HAProxy connects to each pod from the client's own address (<c>source … usesrc clientip</c>),
    /// so the pod sees the client as its TCP peer without a PROXY header. It needs HAProxy built with TPROXY, the
    /// <c>CAP_NET_ADMIN</c> capability for HAProxy, policy routing on this host that delivers the pods' replies to
    /// HAProxy (see the README), and pods whose replies to any client address are routed through this host. Off by default;
    /// DirectLB refuses to start with it where HAProxy or the kernel cannot do it.
    /// </summary>
    public bool Transparent { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle timeout of client and server sides of a proxied TCP connection.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public string ResolvedConfigPath => ConfigPath ?? Path.Combine(StateDirectory, "haproxy.cfg");

    public string ResolvedMasterSocket => MasterSocket ?? Path.Combine(StateDirectory, "master.sock");

    public string ResolvedAdminSocket => AdminSocket ?? Path.Combine(StateDirectory, "admin.sock");

    public string ServerStatePath => Path.Combine(StateDirectory, "server-state");

    public string PidFilePath => Path.Combine(StateDirectory, "haproxy.pid");

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BinaryPath))
        {
            errors.Add("BinaryPath must name the haproxy executable");
        }

        if (string.IsNullOrWhiteSpace(StateDirectory) || !Path.IsPathFullyQualified(StateDirectory))
        {
            errors.Add($"StateDirectory '{StateDirectory}' must be an absolute path");
        }

        if (Mode == HAProxyMode.Attach && (ConfigPath is null || MasterSocket is null || AdminSocket is null))
        {
            errors.Add("attach mode needs ConfigPath, MasterSocket and AdminSocket of the running HAProxy");
        }

        foreach (var (name, path) in new[] { ("MasterSocket", ResolvedMasterSocket), ("AdminSocket", ResolvedAdminSocket) })
        {
            if (path.Length > MaxUnixSocketPath)
            {
                errors.Add($"{name} '{path}' is longer than the {MaxUnixSocketPath} bytes a Unix socket path may have");
            }

            if (path.Any(char.IsWhiteSpace))
            {
                errors.Add($"{name} '{path}' must not contain spaces (HAProxy's configuration would split it)");
            }
        }

        if (ResolvedConfigPath.Any(char.IsWhiteSpace) || StateDirectory.Any(char.IsWhiteSpace))
        {
            errors.Add("ConfigPath and StateDirectory must not contain spaces (HAProxy's configuration would split them)");
        }

        if (!IsIPv4Cidr(VipPool))
        {
            errors.Add($"VipPool '{VipPool}' is not an IPv4 CIDR block between /8 and /30");
        }

        if (VipPool6 is not null && !IsIPv6Cidr(VipPool6))
        {
            errors.Add($"VipPool6 '{VipPool6}' is not an IPv6 CIDR block between /64 and /128");
        }

        if (BindPool is not null && (!IsIPv4Cidr(BindPool) || BindPool.Split('/')[1] != VipPool.Split('/')[1]))
        {
            errors.Add($"BindPool '{BindPool}' must be an IPv4 CIDR block of the VipPool's size ({VipPool})");
        }

        if (MaxTargetsPerLoadBalancer < 1)
        {
            errors.Add("MaxTargetsPerLoadBalancer must be at least 1");
        }

        foreach (var (name, value) in new[]
                 {
                     ("ReloadTimeout", ReloadTimeout), ("StartTimeout", StartTimeout), ("ServerDeleteTimeout", ServerDeleteTimeout),
                     ("SupervisionInterval", SupervisionInterval), ("ConnectTimeout", ConnectTimeout), ("IdleTimeout", IdleTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name} must be positive");
            }
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid HAProxy provider options: " + string.Join("; ", errors));
        }
    }

    private static bool IsIPv6Cidr(string cidr)
    {
        var parts = cidr.Split('/');
        return parts.Length == 2
            && IPAddress.TryParse(parts[0], out var network) && !parts[0].Contains('%')
            && network.AddressFamily == AddressFamily.InterNetworkV6
            && int.TryParse(parts[1], out var prefix) && prefix is >= 64 and <= 128;
    }

    private static bool IsIPv4Cidr(string cidr)
    {
        var parts = cidr.Split('/');
        return parts.Length == 2
            && IPAddress.TryParse(parts[0], out var network)
            && network.AddressFamily == AddressFamily.InterNetwork
            && int.TryParse(parts[1], out var prefix) && prefix is >= 8 and <= 30;
    }
}

using System.Diagnostics;

namespace DirectLB.HAProxy.Tests.Support;

/// <summary>
/// Three network namespaces joined by veth pairs: a client (10.250.1.2), the load balancer host (10.250.1.1, the VIP,
/// and 10.250.2.1 towards the pods) with the policy routing transparent mode needs, and a pod (10.250.2.2:8080) whose
/// default route is the load balancer host. The pod answers each connection with the TCP peer address it saw. Traffic
/// never leaves these namespaces. HAProxy runs in the load balancer's namespace through <see cref="HAProxyWrapper"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TransparentWorld : IAsyncDisposable
{
    public const string Vip = "10.250.1.1";
    public const string Client = "10.250.1.2";
    public const string LoadBalancerToPods = "10.250.2.1";
    public const string Pod = "10.250.2.2";
    public const int PodPort = 8080;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private Process? _pod;

    private string ClientNs => $"dlbc{_suffix}";

    private string LoadBalancerNs => $"dlbl{_suffix}";

    private string PodNs => $"dlbp{_suffix}";

    /// <summary>A script that runs haproxy inside the load balancer's namespace, for <c>BinaryPath</c>.</summary>
    public string HAProxyWrapper { get; private set; } = "";

    public static async Task<TransparentWorld> StartAsync(string directory)
    {
        var world = new TransparentWorld();
        await world.RunAsync($"""
            set -e
            for n in {world.ClientNs} {world.LoadBalancerNs} {world.PodNs}; do ip netns add $n; ip -n $n link set lo up; done
            ip link add c{world._suffix} netns {world.ClientNs} type veth peer name l{world._suffix} netns {world.LoadBalancerNs}
            ip link add m{world._suffix} netns {world.LoadBalancerNs} type veth peer name p{world._suffix} netns {world.PodNs}
            ip -n {world.ClientNs} addr add {Client}/24 dev c{world._suffix}; ip -n {world.ClientNs} link set c{world._suffix} up
            ip -n {world.ClientNs} route add default via {Vip}
            ip -n {world.LoadBalancerNs} addr add {Vip}/24 dev l{world._suffix}; ip -n {world.LoadBalancerNs} link set l{world._suffix} up
            ip -n {world.LoadBalancerNs} addr add {LoadBalancerToPods}/24 dev m{world._suffix}; ip -n {world.LoadBalancerNs} link set m{world._suffix} up
            ip -n {world.PodNs} addr add {Pod}/24 dev p{world._suffix}; ip -n {world.PodNs} link set p{world._suffix} up
            ip -n {world.PodNs} route add default via {LoadBalancerToPods}
            ip netns exec {world.LoadBalancerNs} iptables -t mangle -A PREROUTING -p tcp -m socket -j MARK --set-mark 1
            ip netns exec {world.LoadBalancerNs} ip rule add fwmark 1 lookup 100
            ip netns exec {world.LoadBalancerNs} ip route add local 0.0.0.0/0 dev lo table 100
            """);
        world.HAProxyWrapper = Path.Combine(directory, "haproxy-in-netns");
        await File.WriteAllTextAsync(world.HAProxyWrapper, $"#!/bin/sh\nexec ip netns exec {world.LoadBalancerNs} haproxy \"$@\"\n");
        File.SetUnixFileMode(world.HAProxyWrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        world._pod = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", world.PodNs, "python3", "-c", PodScript]) { RedirectStandardOutput = true })!;
        var listening = await world._pod.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return listening == "listening" ? world : throw new InvalidOperationException($"the pod in {world.PodNs} did not start: {listening}");
    }

    /// <summary>One GET from the client's namespace to the VIP; the pod's answer ("peer=...") or the failure.</summary>
    public async Task<string> GetFromClientAsync(int port)
    {
        var script = $"""
            import socket
            s = socket.create_connection(("{Vip}", {port}), timeout=5)
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            print(s.recv(1000).decode().split("\r\n\r\n", 1)[1].strip())
            """;
        var (code, output) = await ExecAsync("ip", ["netns", "exec", ClientNs, "python3", "-c", script]);
        return code == 0 ? output.Trim() : $"failed ({code}): {output.Trim()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_pod is { HasExited: false })
        {
            _pod.Kill(entireProcessTree: true);
            await _pod.WaitForExitAsync();
        }

        await ExecAsync("sh", ["-c", $"for n in {ClientNs} {LoadBalancerNs} {PodNs}; do ip netns del $n 2>/dev/null; done; true"]);
    }

    private const string PodScript = """
        import socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("10.250.2.2", 8080))
        s.listen(16)
        print("listening", flush=True)
        while True:
            c, a = s.accept()
            c.recv(1000)
            c.sendall(("HTTP/1.0 200 OK\r\n\r\npeer=" + a[0] + "\n").encode())
            c.close()
        """;

    private async Task RunAsync(string script)
    {
        var (code, output) = await ExecAsync("sh", ["-c", script]);
        if (code != 0)
        {
            throw new InvalidOperationException($"setting up the network namespaces failed ({code}): {output}");
        }
    }

    private static async Task<(int Code, string Output)> ExecAsync(string file, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DirectLB.EndToEnd.Tests.Support;
using DirectLB.Providers;
using DirectLB.Providers.Http;
using DirectLB.Providers.Model;
using DirectLB.Tests.Shared.Replicas;
using DirectLB.Traffic.Tests.Support;
using Xunit.Abstractions;

namespace DirectLB.Traffic.Tests;

/// <summary><c>directlb lb-agent</c> as a process: who it answers, and what survives its death and its HAProxy's.</summary>
[Trait("Category", "Traffic")]
public sealed class LbAgentTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly LoadBalancerOwner Owner = new("east", "shop", "web", "uid-1", new Installation("test", "directlb.io/direct"));
    private readonly string _work = Directory.CreateTempSubdirectory("directlb-agent-test-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_agent_answers_health_and_metrics_to_anyone_and_the_contract_only_over_TLS_to_token_holders()
    {
        var (certificate, key, authority) = WriteCertificate();
        var tokenFile = Path.Combine(_work, "token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-agent-token\n");
        var port = FreePort.Next();
        await using var agent = AgentProcess.Start("agent", "127.0.105.0/24", port, "--token-file", tokenFile, "--tls-cert", certificate, "--tls-key", key);
        var root = new Uri($"https://127.0.0.1:{port}/");
        using var anyone = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == authority.GetCertHashString() },
        }) { BaseAddress = root };
        await Eventually.Until(async () => await StatusAsync(anyone, "healthz") == HttpStatusCode.OK, "the agent answers /healthz", TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(anyone, "readyz"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(anyone, "v1/capabilities"));
        var untrusting = await Assert.ThrowsAsync<ProviderException>(() => HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = root, BearerToken = "s3cret-agent-token" }));
        output.WriteLine($"without the CA: {untrusting.Message}");
        var authorityFile = Path.Combine(_work, "ca.pem");
        await File.WriteAllTextAsync(authorityFile, authority.ExportCertificatePem());
        using var provider = await HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = root, BearerToken = "s3cret-agent-token", CaCertificateFile = authorityFile });
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        Assert.StartsWith("127.0.105.", lb.Address);
        var metrics = await anyone.GetStringAsync("metrics");
        Assert.Contains("http_requests_received_total", metrics);
        Assert.Contains("/v1/loadbalancers", metrics);
        Assert.DoesNotContain("s3cret-agent-token", agent.Output + metrics);
    }

    [Fact]
    public async Task Killed_and_started_again_the_agent_adopts_its_HAProxy_and_an_HAProxy_that_died_comes_back_with_every_load_balancer()
    {
        var port = FreePort.Next();
        await using var agent = AgentProcess.Start("agent", "127.0.106.0/24", port);
        await using var pod = new PodServer("web-1", "127.0.172.1", 0) { Phase = PodPhase.Ready };
        using var provider = await ConnectAsync(port);
        var lb = await provider.EnsureLoadBalancerAsync(Owner, "shop-web", CancellationToken.None);
        var listener = new ListenerSpec(new ListenerKey(TransportProtocol.Tcp, FreePort.Next()), "http");
        await provider.EnsureListenerAsync(lb.Ref, listener, CancellationToken.None);
        TargetSpec target = new(new TargetKey(pod.Address, pod.Port), 1, TargetState.Serving, "east");
        await provider.ChangeTargetsAsync(lb.Ref, listener.Key, [target], [], CancellationToken.None);
        await AnswersAsync(lb.Address, listener.Key.Port, "web-1");

        await agent.KillAsync();
        await AnswersAsync(lb.Address, listener.Key.Port, "web-1");
        await agent.RestartAsync();
        using var again = await ConnectAsync(port);
        var adopted = await again.FindLoadBalancerAsync(Owner, CancellationToken.None);
        Assert.Equal((lb.Id, lb.Address), (adopted?.Id, adopted?.Address));
        Assert.Equal([target], adopted!.Listeners.Single().Targets);

        await agent.KillHAProxyAsync();
        await AnswersAsync(lb.Address, listener.Key.Port, "web-1");
        Assert.Equal([target], (await again.FindLoadBalancerAsync(Owner, CancellationToken.None))!.Listeners.Single().Targets);
        output.WriteLine(agent.Output);
    }

    private static async Task<HttpProvider> ConnectAsync(int port)
    {
        var root = new Uri($"http://127.0.0.1:{port}/");
        HttpProvider? provider = null;
        await Eventually.Until(
            async () =>
            {
                try
                {
                    provider = await HttpProvider.CreateAsync(new HttpProviderOptions { BaseAddress = root });
                    return true;
                }
                catch (ProviderException)
                {
                    return false;
                }
            },
            $"the agent at {root} answers",
            TimeSpan.FromSeconds(60));
        return provider!;
    }

    /// <summary>Waits until a request through the VIP reaches the pod (HAProxy may be coming back).</summary>
    private static Task AnswersAsync(string vip, int port, string pod) =>
        Eventually.Until(
            async () =>
            {
                try
                {
                    using var connection = await HttpConnection.ConnectAsync(IPAddress.Parse(vip), port, null, CancellationToken.None);
                    return (await connection.GetAsync(close: true, CancellationToken.None)).Contains(pod, StringComparison.Ordinal);
                }
                catch (Exception e) when (e is IOException or SocketException)
                {
                    return false;
                }
            },
            $"{vip}:{port} answers from {pod}",
            TimeSpan.FromSeconds(30));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1, written as PEM certificate and key; it is its own authority.</summary>
    private (string Certificate, string Key, X509Certificate2 Authority) WriteCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lb-agent-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificatePath = Path.Combine(_work, "tls.crt");
        var keyPath = Path.Combine(_work, "tls.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate);
    }
}

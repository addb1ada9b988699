using System.Security.Cryptography.X509Certificates;
using DirectLB.Host.Hosting;
using DirectLB.Providers;
using DirectLB.Providers.HAProxy;
using DirectLB.Providers.Http.Server;
using Prometheus;

namespace DirectLB.Host.Agent;

/// <summary>
/// <c>directlb lb-agent</c>: the process on a load balancer node. It serves DirectLB's load balancer REST contract
/// (src/Providers/Http/openapi.yaml) on top of the node's HAProxy, driven by the HAProxy provider as DirectLB itself
/// drives it with <c>--provider haproxy</c>: HAProxy outlives the agent, and an agent started again on the same state
/// directory adopts it. Controllers reach it with <c>--provider http --provider-url</c>, one URL per node.
/// Runs until SIGTERM or Ctrl-C.
/// </summary>
public static class LbAgentCommand
{
    public const string Name = "lb-agent";

    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--listen"] = "Listen",
        ["--token-file"] = "BearerTokenFile",
        ["--tls-cert"] = "TlsCertificate",
        ["--tls-key"] = "TlsKey",
        ["--log-format"] = "LogFormat",
        ["--haproxy-state"] = "HAProxy:StateDirectory",
        ["--vip-pool"] = "HAProxy:VipPool",
        ["--vip-pool6"] = "HAProxy:VipPool6",
        ["--bind-pool"] = "HAProxy:BindPool",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("DIRECTLB_AGENT_")
            .AddCommandLine(args, Switches)
            .Build();
        var options = configuration.Get<LbAgentOptions>() ?? new LbAgentOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync("directlb lb-agent: invalid configuration:\n" + string.Concat(errors.Select(e => $"- {e}\n")));
            return 2;
        }

        using var loggers = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            _ = options.LogFormat == "json" ? logging.AddJsonConsole() : logging.AddSimpleConsole(console => console.SingleLine = true);
        });
        var log = loggers.CreateLogger(Name);
        try
        {
            await using var haproxy = await HAProxyProvider.StartAsync(options.HAProxy, loggers.CreateLogger<HAProxyProvider>());
            using var certificate = LoadCertificate(options);
            await using var server = await ContractServer.StartAsync(haproxy, haproxy, new ContractServerOptions
            {
                Listen = options.Listen,
                BearerToken = options.ResolveToken(),
                Certificate = certificate,
                Compose = app => MapNodeEndpoints(app, haproxy),
            });
            log.LogInformation("lb-agent serving the DirectLB load balancer API at {Address} on HAProxy state {State}", server.BaseAddress, options.HAProxy.StateDirectory);
            await StopSignals.WaitAsync();
            log.LogInformation("lb-agent stopping; HAProxy keeps serving");
            return 0;
        }
        catch (ProviderException e)
        {
            log.LogError("lb-agent cannot start: {Reason}", e.Message);
            return 2;
        }
    }

    /// <summary>
    /// <c>/healthz</c>: the agent answers. <c>/readyz</c>: its HAProxy answers too (restarted from its files first when
    /// it had died). <c>/metrics</c>: the contract's requests by route and status, and the process. None needs the token.
    /// </summary>
    private static void MapNodeEndpoints(WebApplication app, ILoadBalancerCatalog haproxy)
    {
        app.UseRouting();
        app.UseHttpMetrics();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (CancellationToken cancellationToken) =>
        {
            try
            {
                await haproxy.GetLoadBalancerAsync("readiness-probe", cancellationToken);
                return Results.Text("ready\n");
            }
            catch (ProviderException e)
            {
                return Results.Text($"not ready:\n- {e.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        app.MapMetrics("/metrics");
    }

    private static X509Certificate2? LoadCertificate(LbAgentOptions options) =>
        options.TlsCertificate is { } certificate
            ? X509Certificate2.CreateFromPemFile(certificate, options.TlsKey)
            : null;
}

using DirectLB.Host.Agent;
using DirectLB.Host.Configuration;
using DirectLB.Host.Hosting;
using DirectLB.Host.Sandbox;
using DirectLB.Host.Web;
using DirectLB.Providers;
using Prometheus;
using Serilog;
using Serilog.Formatting.Compact;

namespace DirectLB.Host;

/// <summary>Builds DirectLB's host from arguments: the one place where everything is composed.</summary>
public static class DirectLbHost
{
    /// <summary>
    /// Reads and validates the configuration, then composes the host. Throws <see cref="ConfigurationException"/>
    /// listing every problem, before anything starts. Tests call this and replace services before building.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        args = CommandLineSwitches.ExpandRepeated(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("DIRECTLB_");
        builder.Configuration.AddCommandLine(args, CommandLineSwitches.Map);

        var options = builder.Configuration.GetSection(DirectLbOptions.Section).Get<DirectLbOptions>() ?? new DirectLbOptions();
        var errors = DirectLbOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        builder.WebHost.UseUrls(options.Listen);
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            if (options.LogFormat == "json")
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}");
            }
        });

        // Resolving the member clusters loads their kubeconfigs: a bad one fails the start with a clear message.
        builder.Services.AddSingleton(MemberClusterSources.Resolve(options));
        builder.Services.AddDirectLbServices(options);
        builder.Services.AddDirectLbActors(options);
        builder.Services.AddPodGateWebhook(options.Webhook);
        builder.Services.AddSingleton<ClusterView>();
        builder.Services.AddSingleton<ServiceDirectory>();
        builder.Services.AddSingleton<JournalProbe>();
        builder.Services.AddHostedService<ClusterMetricsPoller>();
        builder.Services.AddHostedService<SingletonProbe>();
        builder.Services.AddHostedService<JsonWarmup>();
        return builder;
    }

    /// <summary>Builds the application and maps its HTTP endpoints, all read-only: health, metrics, status API and page.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.RefuseWrites();
        var site = app.MapGroup("").AnswerHead();
        site.MapHealth();
        site.MapMetrics("/metrics");
        site.MapStatusApi();
        site.MapStatusPage();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.FirstOrDefault() == SimulateCloudCommand.Name)
        {
            return await SimulateCloudCommand.RunAsync(args[1..]);
        }

        if (args.FirstOrDefault() == LbAgentCommand.Name)
        {
            return await LbAgentCommand.RunAsync(args[1..]);
        }

        if (args.FirstOrDefault() == SandboxCommand.Name)
        {
            try
            {
                return await SandboxCommand.RunAsync(args[1..]);
            }
            catch (Exception ex) when (ex is ProviderException or ConfigurationException)
            {
                await Console.Error.WriteLineAsync($"directlb sandbox: cannot start: {ex.Message}");
                return 2;
            }
        }

        WebApplication app;
        try
        {
            app = Build(CreateBuilder(args));
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"directlb: {ex.Message}");
            return 2;
        }

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is ProviderException or ConfigurationException)
        {
            // A provider that cannot start (HAProxy missing, LB API unreachable) says why, without a stack trace.
            await Console.Error.WriteLineAsync($"directlb: cannot start: {ex.Message}");
            return 2;
        }
    }
}

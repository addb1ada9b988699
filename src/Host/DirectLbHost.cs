using DirectLB.Host.Configuration;
using DirectLB.Host.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        args = CommandLineSwitches.ExpandRepeated(args);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
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
        return builder;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        IHost host;
        try
        {
            host = CreateBuilder(args).Build();
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"directlb: {ex.Message}");
            return 2;
        }

        await host.RunAsync();
        return 0;
    }
}

using System.Reflection;
using System.Runtime.InteropServices;

if (args is ["--version"])
{
    // The release (<Version> in Directory.Build.props, the image tag and the chart's appVersion), with "+commit" when
    // built from a git checkout, and the .NET runtime it runs on.
    var version = typeof(DirectLB.Host.DirectLbHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
    Console.WriteLine($"directlb {version} ({RuntimeInformation.FrameworkDescription})");
    return 0;
}

return await DirectLB.Host.DirectLbHost.RunAsync(args);

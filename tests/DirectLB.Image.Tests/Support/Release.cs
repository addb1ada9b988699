using System.Text.RegularExpressions;

namespace DirectLB.Image.Tests.Support;

/// <summary>The release as the repository states it: the build's <c>Version</c> and the Helm chart's <c>appVersion</c>.</summary>
public static partial class Release
{
    public static string Version { get; } =
        VersionElement().Match(File.ReadAllText(RepositoryRoot.File("Directory.Build.props"))) is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidDataException("Directory.Build.props sets no <Version>");

    public static string ChartAppVersion { get; } =
        AppVersionLine().Match(File.ReadAllText(RepositoryRoot.File("deploy", "helm", "directlb", "Chart.yaml"))) is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidDataException("Chart.yaml has no appVersion");

    [GeneratedRegex(@"<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [GeneratedRegex(@"^appVersion:\s*""?([^""\s]+)""?\s*$", RegexOptions.Multiline)]
    private static partial Regex AppVersionLine();
}

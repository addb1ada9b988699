using System.Text.RegularExpressions;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// apimachinery's util/validation name checks, each returning the messages of the rules a value breaks (none when
/// it is valid), worded as the real server words them.
/// </summary>
internal static partial class NameRules
{
    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an "
        + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Message =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end "
        + "with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    public const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        + "with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string QualifiedNameRule =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
        + "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    public static IEnumerable<string> Dns1123Label(string value) => Rule(value, 63, Label(), LabelMessage);

    public static IEnumerable<string> Dns1035Label(string value) => Rule(value, 63, Dns1035(), Dns1035Message);

    public static IEnumerable<string> Dns1123Subdomain(string value) => Rule(value, 253, Subdomain(), SubdomainMessage);

    /// <summary>A label key or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IEnumerable<string> QualifiedName(string value)
    {
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    yield return "prefix part must be non-empty";
                }
                else
                {
                    foreach (var message in Dns1123Subdomain(parts[0]))
                    {
                        yield return "prefix part " + message;
                    }
                }
                break;
            default:
                yield return "a qualified name " + QualifiedNameRule + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
                yield break;
        }
        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
        }
        else if (name.Length > 63)
        {
            yield return "name part must be no more than 63 characters";
        }
        if (!Qualified().IsMatch(name))
        {
            yield return "name part " + QualifiedNameRule;
        }
    }

    public static IEnumerable<string> LabelValue(string value) => value.Length == 0 ? [] : Rule(value, 63, Qualified(), LabelValueMessage);

    /// <summary>A port number: 1 to 65535.</summary>
    public static IEnumerable<string> PortNumber(long port) =>
        port is >= 1 and <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];

    /// <summary>A named port (IANA_SVC_NAME): at most 15 lowercase letters, digits and single inner hyphens, at least one letter.</summary>
    public static IEnumerable<string> PortName(string value)
    {
        if (value.Length > 15)
        {
            yield return "must be no more than 15 characters";
        }
        if (!value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            yield return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        }
        if (!value.Any(char.IsAsciiLetterLower))
        {
            yield return "must contain at least one letter (a-z)";
        }
        if (value.Contains("--", StringComparison.Ordinal))
        {
            yield return "must not contain consecutive hyphens";
        }
        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            yield return "must not begin or end with a hyphen";
        }
    }

    private static IEnumerable<string> Rule(string value, int maxLength, Regex pattern, string message)
    {
        if (value.Length > maxLength)
        {
            yield return $"must be no more than {maxLength} characters";
        }
        if (!pattern.IsMatch(value))
        {
            yield return message;
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex Qualified();
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>
/// The functions of helm (Sprig) the chart may use, doing what helm's do: <c>quote</c>, <c>b64enc</c>, <c>not</c>, <c>printf</c>
/// (with <c>%s</c>, <c>%d</c>, <c>%v</c>), <c>list</c>, and <c>genCA</c> / <c>genSignedCert</c>, which make a real
/// certificate authority and a certificate it signs, returned as <c>.Cert</c> and <c>.Key</c> in PEM. Helm's keys are
/// RSA 2048; these are ECDSA P-256, as a 2048-bit RSA key takes over a second to make on a busy build machine and
/// the chart tests render dozens. What the tests check (names, chains, a key that fits its certificate) does not
/// depend on it; DirectLB reading helm's RSA PEM is tested end to end.
/// </summary>
public static partial class TemplateFunctions
{
    private static readonly Dictionary<string, Func<object?[], object?>> Functions = new(StringComparer.Ordinal)
    {
        ["quote"] = args => "\"" + Scalar(Single(args, "quote")).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        ["b64enc"] = args => Convert.ToBase64String(Encoding.UTF8.GetBytes(Scalar(Single(args, "b64enc")))),
        ["not"] = args => !GoTemplate.IsTrue(Single(args, "not")),
        ["printf"] = Printf,
        ["list"] = args => args.ToList(),
        ["genCA"] = args => args is [string cn, long days] ? GenCA(cn, (int)days) : throw Usage("genCA CN DAYS"),
        ["genSignedCert"] = args => args is [string cn, var ips, var names, long days, IReadOnlyDictionary<string, object?> ca]
            ? GenSignedCert(cn, Strings(ips), Strings(names), (int)days, ca)
            : throw Usage("genSignedCert CN IPS NAMES DAYS CA"),
    };

    public static Func<object?[], object?> Get(string name) =>
        Functions.TryGetValue(name, out var function)
            ? function
            : throw new NotSupportedException($"function '{name}' is outside the template subset the chart tests render");

    private static object? Single(object?[] args, string name) => args is [var single] ? single : throw Usage($"{name} VALUE");

    private static string Scalar(object? value) => GoTemplate.Print(value, "argument");

    private static NotSupportedException Usage(string usage) => new($"call it as {usage}");

    [GeneratedRegex("%[sdv]")]
    private static partial Regex Verb();

    private static object? Printf(object?[] args)
    {
        if (args is not [string format, .. var values])
        {
            throw Usage("printf FORMAT VALUES...");
        }

        var next = 0;
        var text = Verb().Replace(format, _ => next < values.Length ? Scalar(values[next++]) : throw Usage("printf with a value per verb"));
        return next == values.Length ? text : throw Usage("printf with a verb per value");
    }

    private static IReadOnlyList<string> Strings(object? value) => value switch
    {
        null => [],
        IReadOnlyList<object?> list => [.. list.Select(Scalar)],
        _ => throw Usage("a list of strings, or nil"),
    };

    private static Dictionary<string, object?> GenCA(string cn, int days)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={cn}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(days));
        return Pem(ca, key);
    }

    private static Dictionary<string, object?> GenSignedCert(string cn, IReadOnlyList<string> ips, IReadOnlyList<string> names, int days, IReadOnlyDictionary<string, object?> ca)
    {
        using var authority = X509Certificate2.CreateFromPem((string)ca["Cert"]!, (string)ca["Key"]!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={cn}"), key, HashAlgorithmName.SHA256);
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            alternative.AddDnsName(name);
        }

        foreach (var ip in ips)
        {
            alternative.AddIpAddress(IPAddress.Parse(ip));
        }

        request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        // .NET refuses a certificate that outlives its issuer, which Go allows: with the same days, it ends with it.
        var notAfter = DateTimeOffset.UtcNow.AddDays(days) < authority.NotAfter ? DateTimeOffset.UtcNow.AddDays(days) : new DateTimeOffset(authority.NotAfter);
        using var signed = request.Create(authority, DateTimeOffset.UtcNow, notAfter, RandomNumberGenerator.GetBytes(16).Select((b, i) => i == 0 ? (byte)(b & 0x7f) : b).ToArray());
        return Pem(signed, key);
    }

    private static Dictionary<string, object?> Pem(X509Certificate2 certificate, ECDsa key) => new(StringComparer.Ordinal)
    {
        ["Cert"] = certificate.ExportCertificatePem() + "\n",
        ["Key"] = key.ExportECPrivateKeyPem() + "\n",
    };
}

using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace DirectLB.Deploy.Tests.Rendering;

/// <summary>Reads the certificates a rendered chart carries, and checks them as a TLS client given the CA bundle would.</summary>
public static partial class Certificates
{
    [GeneratedRegex("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", RegexOptions.Singleline)]
    private static partial Regex CertificatePem();

    /// <summary>The first two PEM certificates of <paramref name="pems"/>: the authority, then the one it issued.</summary>
    public static (X509Certificate2 Ca, X509Certificate2 Cert) Parse(string pems) =>
        CertificatePem().Matches(pems).Select(match => X509Certificate2.CreateFromPem(match.Value)).ToList() is [var ca, var cert, ..]
            ? (ca, cert)
            : throw new FormatException("expected two PEM certificates");

    /// <summary>True when <paramref name="cert"/> chains to <paramref name="ca"/> trusted alone, as the API server checks a caBundle.</summary>
    public static bool Chains(X509Certificate2 cert, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }

    public static IReadOnlyList<string> DnsNames(X509Certificate2 cert) =>
        [.. cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(names => names.EnumerateDnsNames())];
}

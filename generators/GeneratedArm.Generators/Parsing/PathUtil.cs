using System;
using System.Collections.Generic;

namespace GeneratedArm.Generators.Parsing;

/// <summary>Path and $ref arithmetic on strings only: the generator never touches the file system.</summary>
internal static class PathUtil
{
    private static readonly char[] Separators = { '/', '\\' };

    /// <summary>Forward slashes, no <c>.</c> or <c>..</c> segments, no doubled separators.</summary>
    public static string Normalize(string path)
    {
        if (path.IndexOf("://", StringComparison.Ordinal) > 0)
        {
            return path;
        }

        string unified = path.Replace('\\', '/');
        bool rooted = unified.StartsWith("/", StringComparison.Ordinal);
        var parts = new List<string>();
        foreach (string segment in unified.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(segment);
        }

        string joined = string.Join("/", parts);
        return rooted ? "/" + joined : joined;
    }

    public static string Directory(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }

    public static string FileName(string path)
    {
        int slash = path.LastIndexOfAny(Separators);
        return slash < 0 ? path : path.Substring(slash + 1);
    }

    /// <summary>
    /// Splits a $ref into the referenced document (normalized path relative to <paramref name="currentPath"/>,
    /// or an absolute URI) and the pointer fragment (<c>#/definitions/X</c>, percent-decoded).
    /// </summary>
    public static (string Path, string Pointer) SplitReference(string currentPath, string reference)
    {
        int hash = reference.IndexOf('#');
        string file = hash < 0 ? reference : reference.Substring(0, hash);
        string fragment = hash < 0 ? string.Empty : reference.Substring(hash + 1);
        try
        {
            fragment = Uri.UnescapeDataString(fragment);
        }
        catch (UriFormatException)
        {
            // Keep the fragment as written; it will simply not resolve.
        }

        if (fragment.Length > 0 && fragment[0] != '/')
        {
            fragment = "/" + fragment;
        }

        string pointer = "#" + fragment.TrimEnd('/');
        if (file.Length == 0)
        {
            return (currentPath, pointer);
        }

        if (file.IndexOf("://", StringComparison.Ordinal) > 0)
        {
            return (file, pointer);
        }

        try
        {
            file = Uri.UnescapeDataString(file);
        }
        catch (UriFormatException)
        {
            // Keep as written.
        }

        string combined = file.StartsWith("/", StringComparison.Ordinal) ? file : Directory(currentPath) + "/" + file;
        return (Normalize(combined), pointer);
    }

    /// <summary>Escapes one reference token for a JSON pointer.</summary>
    public static string EscapeToken(string token) => token.Replace("~", "~0").Replace("/", "~1");
}

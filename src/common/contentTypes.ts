// File name extensions and content types, both ways: the host reads a picked file's type from its
// name, the result view tells media from a bare URL's extension, and saved outputs get an extension
// from their content type. One table, so the three never disagree. Pure: the page uses it too.

/** Content types by (lower-case) extension. The first extension listed for a type is its own. */
const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  txt: 'text/plain',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
  glb: 'model/gltf-binary',
};

/** Other spellings of a type that mean one of the above. */
const ALIASES: Readonly<Record<string, string>> = {
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'image/jpg': 'image/jpeg',
};

/** The lower-case extension of a file name or URL path ("a/b.PNG" → "png"); undefined when none. */
export function extensionOf(name: string): string | undefined {
  return /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
}

/** The content type a name's extension stands for; undefined when the extension is unknown. */
export function contentTypeOfName(name: string): string | undefined {
  const extension = extensionOf(name);
  return extension ? TYPES[extension] : undefined;
}

/** The extension files of `contentType` get ("image/jpeg; q=1" → "jpg"); undefined when unknown. */
export function extensionOfContentType(contentType: string): string | undefined {
  const bare = contentType.split(';')[0].trim().toLowerCase();
  const type = ALIASES[bare] ?? bare;
  return Object.keys(TYPES).find((extension) => TYPES[extension] === type);
}

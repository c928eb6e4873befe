// The page's strings in French and English, and the choice between them.
//
// French when the browser's language is French, English otherwise; the user's
// choice in the page wins and is kept in localStorage. Strings use `{name}`
// placeholders. Messages that come from masque itself (error details) are in
// English and are shown as details under a translated headline.

export const LANGUAGES = Object.freeze(['fr', 'en']);
const STORAGE_KEY = 'masque.lang';

export const STRINGS = Object.freeze({
  fr: {
    'page.title': 'masque\u00a0: pseudonymiser et anonymiser des tableaux cliniques dans le navigateur',
    'page.tagline': 'Pseudonymisez et anonymisez un export clinique dans ce navigateur, avant de le transmettre.',
    'lang.label': 'Langue',
    'open.title': 'Ouvrir un fichier',
    'open.choose': 'Choisir un fichier…',
    'open.help': 'CSV, TSV, TXT ou classeur XLSX. Vous pouvez aussi déposer le fichier dans ce cadre.',
    'open.drop': 'Déposez le fichier pour le lire',
    'cancel': 'Annuler',
    'status.reading': 'Lecture de «\u00a0{name}\u00a0»…',
    'status.parsing': 'Analyse de «\u00a0{name}\u00a0»…',
    'status.done': '«\u00a0{name}\u00a0» lu\u00a0: {rows} lignes, {columns} colonnes.',
    'status.cancelled': 'Lecture annulée.',
    'status.failed': 'Échec de la lecture de «\u00a0{name}\u00a0».',
    'error.read': 'Ce fichier ne peut pas être lu comme un tableau.',
    'error.file': 'Le navigateur n’a pas pu lire ce fichier.',
    'error.engine': 'Le moteur de masque n’a pas pu être chargé.',
    'error.internal': 'masque s’est arrêté sur une erreur interne.',
    'error.worker': 'Le traitement en arrière-plan a échoué.',
    'error.protocol': 'Erreur interne de la page.',
    'error.detail': 'Détail (en anglais)\u00a0: {message}',
    'error.hint.read': 'Vérifiez qu’il s’agit d’un export CSV ou TSV avec une ligne d’en-tête, ou d’un classeur XLSX. Vous pouvez choisir un autre fichier.',
    'error.hint.retry': 'Vous pouvez réessayer ou choisir un autre fichier.',
    'error.hint.engine': 'Rechargez la page. Si le problème persiste, la copie de masque sur ce site est incomplète.',
    'result.title': 'Ce que masque a trouvé',
    'result.file': 'Fichier\u00a0: {name} ({size})',
    'result.format': 'Format',
    'result.sheet': 'Feuille',
    'result.delimiter': 'Séparateur',
    'result.encoding': 'Encodage',
    'result.bom': 'Marque d’ordre des octets (BOM)',
    'result.line_ending': 'Fin de ligne',
    'result.rows': 'Lignes de données',
    'result.columns': 'Colonnes',
    'result.workbook_output': 'Le fichier nettoyé sera écrit en CSV\u00a0: séparateur {delimiter}, {encoding}, fin de ligne {line_ending}.',
    'format.csv': 'texte délimité (CSV)',
    'format.workbook': 'classeur',
    'delimiter.;': 'point-virgule',
    'delimiter.,': 'virgule',
    'delimiter.\t': 'tabulation',
    'delimiter.|': 'barre verticale',
    'encoding.utf-8': 'UTF-8',
    'encoding.windows-1252': 'Windows-1252 (Excel, Europe de l’Ouest)',
    'encoding.utf-16le': 'UTF-16 LE',
    'encoding.utf-16be': 'UTF-16 BE',
    'bom.yes': 'oui',
    'bom.no': 'non',
    'line_ending.crlf': 'CRLF (Windows)',
    'line_ending.lf': 'LF (Linux, macOS)',
    'warnings.title': 'En-tête corrigé',
    'warning.duplicate_header': 'Colonne {column}\u00a0: nom en double, renommée «\u00a0{renamed_to}\u00a0».',
    'warning.empty_header': 'Colonne {column}\u00a0: nom vide, nommée «\u00a0{renamed_to}\u00a0».',
    'warning.other': 'Colonne {column}\u00a0: {kind}, nommée «\u00a0{renamed_to}\u00a0».',
    'columns.caption': 'Colonnes du fichier',
    'columns.position': 'N°',
    'columns.name': 'Nom',
    'columns.distinct': 'Valeurs distinctes',
    'columns.empty': 'Cellules vides',
    'columns.role': 'Rôle suggéré',
    'columns.action': 'Action suggérée',
    'columns.confidence': 'Confiance',
    'columns.reason': 'Raison',
    'columns.none': '—',
    'role.direct_identifier': 'identifiant direct',
    'role.quasi_identifier': 'quasi-identifiant',
    'role.sensitive': 'donnée sensible',
    'role.other': 'autre',
    'action.keep': 'conserver',
    'action.drop': 'supprimer',
    'action.redact': 'remplacer par une constante',
    'action.pseudonymise': 'pseudonymiser',
    'action.mask': 'masquer en partie',
    'action.generalise': 'généraliser',
    'action.date_shift': 'décaler les dates',
    'action.scrub': 'nettoyer le texte libre',
    'confidence.high': 'élevée',
    'confidence.medium': 'moyenne',
    'confidence.low': 'faible',
    'footer.local': 'Votre fichier ne quitte jamais cet ordinateur\u00a0: il est lu et traité dans ce navigateur, rien n’est envoyé.',
    'footer.version': 'masque {version}',
    'footer.loading': 'masque (chargement du moteur…)',
    'footer.unavailable': 'masque (moteur indisponible)',
  },
  en: {
    'page.title': 'masque: pseudonymise and anonymise clinical tables in the browser',
    'page.tagline': 'Pseudonymise and anonymise a clinical export in this browser, before you share it.',
    'lang.label': 'Language',
    'open.title': 'Open a file',
    'open.choose': 'Choose a file…',
    'open.help': 'CSV, TSV, TXT or XLSX workbook. You can also drop the file onto this box.',
    'open.drop': 'Drop the file to read it',
    'cancel': 'Cancel',
    'status.reading': 'Reading “{name}”…',
    'status.parsing': 'Analysing “{name}”…',
    'status.done': '“{name}” read: {rows} rows, {columns} columns.',
    'status.cancelled': 'Reading cancelled.',
    'status.failed': 'Could not read “{name}”.',
    'error.read': 'This file cannot be read as a table.',
    'error.file': 'The browser could not read this file.',
    'error.engine': 'The masque engine could not be loaded.',
    'error.internal': 'masque stopped on an internal error.',
    'error.worker': 'The background processing failed.',
    'error.protocol': 'Internal error in the page.',
    'error.detail': 'Detail: {message}',
    'error.hint.read': 'Check that it is a CSV or TSV export with a header row, or an XLSX workbook. You can choose another file.',
    'error.hint.retry': 'You can try again or choose another file.',
    'error.hint.engine': 'Reload the page. If this keeps happening, the copy of masque on this site is incomplete.',
    'result.title': 'What masque found',
    'result.file': 'File: {name} ({size})',
    'result.format': 'Format',
    'result.sheet': 'Sheet',
    'result.delimiter': 'Delimiter',
    'result.encoding': 'Encoding',
    'result.bom': 'Byte order mark (BOM)',
    'result.line_ending': 'Line ending',
    'result.rows': 'Data rows',
    'result.columns': 'Columns',
    'result.workbook_output': 'The cleaned file will be written as CSV: {delimiter} delimiter, {encoding}, {line_ending} line endings.',
    'format.csv': 'delimited text (CSV)',
    'format.workbook': 'workbook',
    'delimiter.;': 'semicolon',
    'delimiter.,': 'comma',
    'delimiter.\t': 'tab',
    'delimiter.|': 'vertical bar',
    'encoding.utf-8': 'UTF-8',
    'encoding.windows-1252': 'Windows-1252 (Excel, Western European)',
    'encoding.utf-16le': 'UTF-16 LE',
    'encoding.utf-16be': 'UTF-16 BE',
    'bom.yes': 'yes',
    'bom.no': 'no',
    'line_ending.crlf': 'CRLF (Windows)',
    'line_ending.lf': 'LF (Linux, macOS)',
    'warnings.title': 'Header repaired',
    'warning.duplicate_header': 'Column {column}: duplicate name, renamed “{renamed_to}”.',
    'warning.empty_header': 'Column {column}: empty name, named “{renamed_to}”.',
    'warning.other': 'Column {column}: {kind}, named “{renamed_to}”.',
    'columns.caption': 'Columns of the file',
    'columns.position': 'No.',
    'columns.name': 'Name',
    'columns.distinct': 'Distinct values',
    'columns.empty': 'Empty cells',
    'columns.role': 'Suggested role',
    'columns.action': 'Suggested action',
    'columns.confidence': 'Confidence',
    'columns.reason': 'Reason',
    'columns.none': '—',
    'role.direct_identifier': 'direct identifier',
    'role.quasi_identifier': 'quasi-identifier',
    'role.sensitive': 'sensitive',
    'role.other': 'other',
    'action.keep': 'keep',
    'action.drop': 'drop',
    'action.redact': 'replace with a constant',
    'action.pseudonymise': 'pseudonymise',
    'action.mask': 'mask partly',
    'action.generalise': 'generalise',
    'action.date_shift': 'shift dates',
    'action.scrub': 'scrub free text',
    'confidence.high': 'high',
    'confidence.medium': 'medium',
    'confidence.low': 'low',
    'footer.local': 'Your file never leaves this computer: it is read and processed in this browser, nothing is sent.',
    'footer.version': 'masque {version}',
    'footer.loading': 'masque (loading the engine…)',
    'footer.unavailable': 'masque (engine unavailable)',
  },
});

/** The language to use: the stored choice, else French for a French browser, else English. */
export function pickLanguage({ stored, browser } = {}) {
  if (LANGUAGES.includes(stored)) return stored;
  return typeof browser === 'string' && browser.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** The language chosen earlier in this browser, if any (storage may be disabled). */
export function storedLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers the user's choice. */
export function saveLanguage(lang) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** Whether `key` has a string in `lang`. */
export function has(lang, key) {
  return Object.hasOwn(STRINGS[lang] ?? {}, key);
}

/** A function `t(key, params)` for `lang`; a missing key shows itself, so it is noticed. */
export function translator(lang) {
  const table = STRINGS[lang] ?? STRINGS.en;
  return (key, params = {}) => {
    const template = Object.hasOwn(table, key) ? table[key] : key;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
  };
}

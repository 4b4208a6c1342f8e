// UI string catalogs (French by default, English available) and the lookup
// function used by every module that shows text to the user.

const catalogs = {
  fr: {
    'toolbar.label': 'Mise en forme du document',
    'toolbar.heading': 'Titre {level}',
    'toolbar.paragraph': 'Paragraphe',
    'toolbar.bold': 'Gras',
    'toolbar.italic': 'Italique',
    'toolbar.underline': 'Souligné',
    'toolbar.strike': 'Barré',
    'toolbar.bulletList': 'Liste à puces',
    'toolbar.orderedList': 'Liste numérotée',
    'toolbar.blockquote': 'Citation',
    'toolbar.insertTable': 'Insérer un tableau',
    'toolbar.addRow': 'Ajouter une ligne',
    'toolbar.deleteRow': 'Supprimer la ligne',
    'toolbar.addColumn': 'Ajouter une colonne',
    'toolbar.deleteColumn': 'Supprimer la colonne',
    'toolbar.deleteTable': 'Supprimer le tableau',
    'toolbar.addRow.short': '+ Ligne',
    'toolbar.deleteRow.short': '− Ligne',
    'toolbar.addColumn.short': '+ Colonne',
    'toolbar.deleteColumn.short': '− Colonne',
    'toolbar.deleteTable.short': '✕ Tableau',
    'toolbar.link': 'Lien',
    'toolbar.undo': 'Annuler',
    'toolbar.redo': 'Rétablir',
    'toolbar.shortcut': '{label} ({keys})',
    'keys.mod': 'Ctrl',
    'keys.shift': 'Maj',
    'keys.alt': 'Alt',
    'link.prompt': 'Adresse du lien (http://, https:// ou mailto:). Laisser vide pour retirer le lien.',
    'link.invalid': 'Adresse refusée : seuls les liens http://, https:// et mailto: sont autorisés.',
    'editor.label': 'Texte du document',
    'readonly.banner': "Lecture seule : votre rôle permet de lire et d'annoter, pas de modifier le texte.",
    'status.connecting': 'Connexion…',
    'status.saved': 'Enregistré',
    'status.saving': 'Enregistrement…',
    'status.offline': 'Hors ligne — vos modifications seront envoyées à la reconnexion',
    'status.refused.4401': 'Votre session a expiré : reconnectez-vous.',
    'status.refused.4403': 'Accès refusé : votre rôle ne permet pas de modifier ce document.',
    'status.refused.4404': 'Document introuvable.',
    'status.refused.other': 'Connexion refusée par le serveur.',
    'presence.label': 'Personnes présentes sur ce document',
    'presence.self': 'vous',
    'presence.anonymous': 'Participant anonyme',
    'clause.label': 'Clause {id} v{version}',
    'clause.labelNoVersion': 'Clause {id}',
    'clause.labelUnknown': 'Clause',
  },
  en: {
    'toolbar.label': 'Document formatting',
    'toolbar.heading': 'Heading {level}',
    'toolbar.paragraph': 'Paragraph',
    'toolbar.bold': 'Bold',
    'toolbar.italic': 'Italic',
    'toolbar.underline': 'Underline',
    'toolbar.strike': 'Strikethrough',
    'toolbar.bulletList': 'Bulleted list',
    'toolbar.orderedList': 'Numbered list',
    'toolbar.blockquote': 'Quote',
    'toolbar.insertTable': 'Insert a table',
    'toolbar.addRow': 'Add a row',
    'toolbar.deleteRow': 'Delete row',
    'toolbar.addColumn': 'Add a column',
    'toolbar.deleteColumn': 'Delete column',
    'toolbar.deleteTable': 'Delete table',
    'toolbar.addRow.short': '+ Row',
    'toolbar.deleteRow.short': '− Row',
    'toolbar.addColumn.short': '+ Column',
    'toolbar.deleteColumn.short': '− Column',
    'toolbar.deleteTable.short': '✕ Table',
    'toolbar.link': 'Link',
    'toolbar.undo': 'Undo',
    'toolbar.redo': 'Redo',
    'toolbar.shortcut': '{label} ({keys})',
    'keys.mod': 'Ctrl',
    'keys.shift': 'Shift',
    'keys.alt': 'Alt',
    'link.prompt': 'Link address (http://, https:// or mailto:). Leave empty to remove the link.',
    'link.invalid': 'Address rejected: only http://, https:// and mailto: links are allowed.',
    'editor.label': 'Document text',
    'readonly.banner': 'Read only: your role lets you read and annotate, not edit the text.',
    'status.connecting': 'Connecting…',
    'status.saved': 'Saved',
    'status.saving': 'Saving…',
    'status.offline': 'Offline — your changes will be sent when the connection is back',
    'status.refused.4401': 'Your session has expired: please sign in again.',
    'status.refused.4403': 'Access denied: your role does not allow editing this document.',
    'status.refused.4404': 'Document not found.',
    'status.refused.other': 'Connection refused by the server.',
    'presence.label': 'People on this document',
    'presence.self': 'you',
    'presence.anonymous': 'Anonymous participant',
    'clause.label': 'Clause {id} v{version}',
    'clause.labelNoVersion': 'Clause {id}',
    'clause.labelUnknown': 'Clause',
  },
}

const DEFAULT_LANG = 'fr'

/** Language of the page (`<html lang>`), reduced to a catalog we have. */
export const pageLanguage = () => {
  const lang = (document.documentElement.lang || '').toLowerCase().split('-')[0]
  return Object.hasOwn(catalogs, lang) ? lang : DEFAULT_LANG
}

let current = null

/**
 * Translate `key`, replacing `{name}` placeholders with `params[name]`.
 * Falls back to French, then to the key itself.
 */
export const t = (key, params = {}) => {
  if (current === null) current = pageLanguage()
  const template = catalogs[current][key] ?? catalogs[DEFAULT_LANG][key] ?? key
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    Object.hasOwn(params, name) ? String(params[name]) : match)
}

/** For tests: the raw catalogs. */
export const _catalogs = catalogs

/**
 * Words that offer a way out of a list, in en, de, fr, es, nl, it, pt.
 *
 * Matched on visible text, link text and link targets; accents optional where senders often drop them.
 * One list for the content lint (is there an unsubscribe link?) and the link check (which links it
 * must never open).
 */
export const UNSUBSCRIBE_WORDS =
  /unsubscri|opt[\s-]?out|manage\s+(?:your\s+)?(?:e-?mail\s+|subscription\s+|notification\s+)?(?:preferences|subscriptions?)|e-?mail\s+preferences|update\s+(?:your\s+)?preferences|abmeld|abbestell|austragen|newsletter\s+k[üu]ndigen|d[ée]sabonn|d[ée]sinscri|se\s+d[ée]sinscrire|darse\s+de\s+baja|dar(?:te)?\s+de\s+baja|date\s+de\s+baja|cancelar\s+(?:la\s+)?suscripci[óo]n|afmeld|uitschrijv|disiscriv|cancella(?:re)?\s+(?:l'|la\s+)?iscrizione|annulla(?:re)?\s+(?:l'|la\s+)?iscrizione|descadastr|cancelar\s+(?:a\s+)?(?:inscri[çc][ãa]o|assinatura)|optout|list-unsubscribe/i;

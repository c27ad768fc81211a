"""The contact page (timeline and brief), its edit form, and the event page's "follow up with
everyone I met": the parts of the contacts pages that show or create interactions' rows."""

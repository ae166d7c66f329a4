import 'package:flutter/widgets.dart';

/// Spacing constants shared by every screen, so paddings stay consistent.
class Insets {
  Insets._();

  static const xs = EdgeInsets.all(4);
  static const sm = EdgeInsets.all(8);
  static const md = EdgeInsets.all(16);
  static const lg = EdgeInsets.all(24);

  static const horizontalMd = EdgeInsets.symmetric(horizontal: 16);
  static const verticalSm = EdgeInsets.symmetric(vertical: 8);
  static const card = EdgeInsets.fromLTRB(16, 12, 16, 12);
}
